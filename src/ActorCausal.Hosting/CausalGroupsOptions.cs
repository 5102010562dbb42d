using System.Globalization;
using System.Text;
using ActorCausal.Protocol;
using Akka.Configuration;

namespace ActorCausal.Hosting;

/// <summary>
/// Settings for <see cref="CausalGroupsHostingExtensions.WithCausalGroups"/>: one property per setting of the
/// <c>actorcausal</c> section of <c>reference.conf</c>. Anything left null keeps its HOCON value (the application's own
/// HOCON, else the reference default).
/// </summary>
public sealed class CausalGroupsOptions
{
    /// <summary><c>actorcausal.guardian-name</c>: name of the guardian actor; group actors live at /system/&lt;name&gt;/&lt;group&gt;.</summary>
    public string? GuardianName { get; set; }
    /// <summary><c>actorcausal.tick-interval</c>: how often each group actor feeds the protocol a tick.</summary>
    public TimeSpan? TickInterval { get; set; }
    /// <summary><c>actorcausal.join-retry-interval</c>: how often a joining member announces itself until admitted.</summary>
    public TimeSpan? JoinRetryInterval { get; set; }
    /// <summary><c>actorcausal.founding-delay</c>: how long the oldest node waits for an answer before founding the group.</summary>
    public TimeSpan? FoundingDelay { get; set; }
    /// <summary><c>actorcausal.merge-interval</c>: how often a group's coordinator looks for another group of the same name to merge with.</summary>
    public TimeSpan? MergeInterval { get; set; }
    /// <summary><c>actorcausal.snapshot-timeout</c>: how long a member waits for a snapshot for a joiner.</summary>
    public TimeSpan? SnapshotTimeout { get; set; }
    /// <summary><c>actorcausal.leave-timeout</c>: how long <see cref="CausalGroup.Leave"/> waits for a view without this member.</summary>
    public TimeSpan? LeaveTimeout { get; set; }
    /// <summary><c>actorcausal.ask-timeout</c>: timeout of the asks that <see cref="CausalGroup"/> makes.</summary>
    public TimeSpan? AskTimeout { get; set; }
    /// <summary><c>actorcausal.verify-payloads</c>: deserialize every payload at the sender and refuse one that does not come back.</summary>
    public bool? VerifyPayloads { get; set; }
    /// <summary><c>actorcausal.log-rejected-inputs</c>: log inputs the protocol refuses (off: only count them).</summary>
    public bool? LogRejectedInputs { get; set; }

    /// <summary><c>actorcausal.protocol.total-order</c>: every member of a group must use the same mode.</summary>
    public TotalOrderMode? TotalOrder { get; set; }
    /// <summary><c>actorcausal.protocol.max-unstable</c>: own messages not yet stable before broadcasts are refused with back-pressure.</summary>
    public int? MaxUnstable { get; set; }
    /// <summary><c>actorcausal.protocol.receive-window</c>: how far beyond a sender's delivered prefix a sequence number is accepted.</summary>
    public long? ReceiveWindow { get; set; }
    /// <summary><c>actorcausal.protocol.nak-initial-delay</c>: first retransmission request delay.</summary>
    public TimeSpan? NakInitialDelay { get; set; }
    /// <summary><c>actorcausal.protocol.nak-max-delay</c>: largest retransmission request delay.</summary>
    public TimeSpan? NakMaxDelay { get; set; }
    /// <summary><c>actorcausal.protocol.total-retry-delay</c>: delay before total-order proposals or finals are asked again.</summary>
    public TimeSpan? TotalRetryDelay { get; set; }
    /// <summary><c>actorcausal.protocol.stability-interval</c>: how often stability is gossiped.</summary>
    public TimeSpan? StabilityInterval { get; set; }
    /// <summary><c>actorcausal.protocol.idle-gossip-interval</c>: gossip interval of an idle group.</summary>
    public TimeSpan? IdleGossipInterval { get; set; }
    /// <summary><c>actorcausal.protocol.max-clock-skew</c>: a remote HLC further ahead than this is counted and logged, not merged.</summary>
    public TimeSpan? MaxClockSkew { get; set; }
    /// <summary><c>actorcausal.protocol.dependency-index-capacity</c>: capacity of the explicit-dependency index.</summary>
    public int? DependencyIndexCapacity { get; set; }
    /// <summary><c>actorcausal.protocol.safe-ack-delay</c>: how long a member may wait before acknowledging that it holds a safe message (default 1 ms; 0: at the end of each input).</summary>
    public TimeSpan? SafeAckDelay { get; set; }
    /// <summary><c>actorcausal.protocol.safe-quorum</c>: every member (all) or a strict majority must store a safe message before it is delivered.</summary>
    public SafeQuorum? SafeQuorum { get; set; }

    /// <summary><c>actorcausal.batching.enabled</c>: protocol messages bound for the same member travel in one envelope.</summary>
    public bool? Batching { get; set; }
    /// <summary><c>actorcausal.batching.max-messages</c>: messages per batch at most.</summary>
    public int? BatchMaxMessages { get; set; }
    /// <summary><c>actorcausal.batching.max-bytes</c>: bytes per batch at most (keep below the remote frame size).</summary>
    public long? BatchMaxBytes { get; set; }
    /// <summary><c>actorcausal.batching.linger</c>: extra wait for more messages before a batch is sent.</summary>
    public TimeSpan? BatchLinger { get; set; }
    /// <summary><c>actorcausal.batching.compact-envelopes</c>: compact envelopes (payload types once, clocks as deltas); off during a rolling upgrade from a version without them.</summary>
    public bool? CompactEnvelopes { get; set; }

    /// <summary><c>actorcausal.chunking.piece-size</c>: larger messages travel as pieces of at most this many bytes.</summary>
    public long? ChunkPieceSize { get; set; }
    /// <summary><c>actorcausal.chunking.max-message-size</c>: a chunked transfer announcing more bytes is refused.</summary>
    public long? ChunkMaxMessageSize { get; set; }
    /// <summary><c>actorcausal.chunking.reassembly-timeout</c>: a transfer with no piece for this long is dropped.</summary>
    public TimeSpan? ChunkReassemblyTimeout { get; set; }

    /// <summary><c>actorcausal.metrics.enabled</c>: System.Diagnostics.Metrics under the meter <see cref="CausalGroups.MeterName"/>.</summary>
    public bool? Metrics { get; set; }
    /// <summary><c>actorcausal.metrics.interval</c>: how often the protocol's counters become metric increments.</summary>
    public TimeSpan? MetricsInterval { get; set; }

    /// <summary>The options that are set, as <c>actorcausal.*</c> HOCON (empty when none is set).</summary>
    public Config ToHocon()
    {
        var sb = new StringBuilder();
        foreach (var (path, value) in Entries())
        {
            if (value is null) continue;
            sb.Append("actorcausal.").Append(path).Append(" = ").Append(Format(value)).Append('\n');
        }
        return ConfigurationFactory.ParseString(sb.ToString());
    }

    /// <summary>Every option with its HOCON path under <c>actorcausal</c> (set or not).</summary>
    internal IEnumerable<(string Path, object? Value)> Entries()
    {
        yield return ("guardian-name", GuardianName);
        yield return ("tick-interval", TickInterval);
        yield return ("join-retry-interval", JoinRetryInterval);
        yield return ("founding-delay", FoundingDelay);
        yield return ("merge-interval", MergeInterval);
        yield return ("snapshot-timeout", SnapshotTimeout);
        yield return ("leave-timeout", LeaveTimeout);
        yield return ("ask-timeout", AskTimeout);
        yield return ("verify-payloads", VerifyPayloads);
        yield return ("log-rejected-inputs", LogRejectedInputs);
        yield return ("protocol.total-order", TotalOrder);
        yield return ("protocol.max-unstable", MaxUnstable);
        yield return ("protocol.receive-window", ReceiveWindow);
        yield return ("protocol.nak-initial-delay", NakInitialDelay);
        yield return ("protocol.nak-max-delay", NakMaxDelay);
        yield return ("protocol.total-retry-delay", TotalRetryDelay);
        yield return ("protocol.stability-interval", StabilityInterval);
        yield return ("protocol.idle-gossip-interval", IdleGossipInterval);
        yield return ("protocol.max-clock-skew", MaxClockSkew);
        yield return ("protocol.dependency-index-capacity", DependencyIndexCapacity);
        yield return ("protocol.safe-ack-delay", SafeAckDelay);
        yield return ("protocol.safe-quorum", SafeQuorum);
        yield return ("batching.enabled", Batching);
        yield return ("batching.max-messages", BatchMaxMessages);
        yield return ("batching.max-bytes", BatchMaxBytes);
        yield return ("batching.linger", BatchLinger);
        yield return ("batching.compact-envelopes", CompactEnvelopes);
        yield return ("chunking.piece-size", ChunkPieceSize);
        yield return ("chunking.max-message-size", ChunkMaxMessageSize);
        yield return ("chunking.reassembly-timeout", ChunkReassemblyTimeout);
        yield return ("metrics.enabled", Metrics);
        yield return ("metrics.interval", MetricsInterval);
    }

    private static string Format(object value) => value switch
    {
        TimeSpan t => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms",
        bool b => b ? "on" : "off",
        TotalOrderMode m => m switch { TotalOrderMode.TwoStep => "two-step", TotalOrderMode.Symmetric => "symmetric", _ => "three-step" },
        ActorCausal.Protocol.SafeQuorum q => q == ActorCausal.Protocol.SafeQuorum.Majority ? "majority" : "all",
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
