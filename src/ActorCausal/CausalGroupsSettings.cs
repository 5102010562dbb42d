using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal;

/// <summary>Batching of protocol messages bound for the same member into one remote envelope (<c>actorcausal.batching</c>; defaults in reference.conf).</summary>
public sealed record BatchingSettings
{
    /// <summary><c>batching.enabled</c>: protocol messages bound for the same member travel together in one envelope.</summary>
    public bool Enabled { get; init; }
    /// <summary>A batch is sent once it holds this many protocol messages.</summary>
    public int MaxMessages { get; init; }
    /// <summary>A batch is sent once its estimated size reaches this many bytes.</summary>
    public long MaxBytes { get; init; }
    /// <summary>Extra wait for more messages before a batch is sent; zero closes the batch when the mailbox is drained.</summary>
    public TimeSpan Linger { get; init; }
    /// <summary><c>batching.compact-envelopes</c>: envelopes name each payload type once and carry clocks and acks as deltas; off during a rolling upgrade from a version without it.</summary>
    public bool CompactEnvelopes { get; init; }
}

/// <summary>
/// Protocol messages larger than <see cref="PieceSize"/> once serialized (flush reports, decisions and commits with a
/// large backlog, welcomes with a large snapshot, large payloads) travel in pieces and are reassembled by the receiver
/// (<c>actorcausal.chunking</c>; defaults in reference.conf).
/// </summary>
public sealed record ChunkingSettings
{
    /// <summary>Largest piece, in bytes of the serialized message; keep it below Akka's maximum-frame-size.</summary>
    public int PieceSize { get; init; }
    /// <summary>Largest message a receiver reassembles; a transfer that announces more is refused.</summary>
    public long MaxMessageBytes { get; init; }
    /// <summary>A transfer that receives no piece for this long is dropped (the protocol's retries recover).</summary>
    public TimeSpan ReassemblyTimeout { get; init; }
}

/// <summary>
/// The <c>actorcausal</c> section of the configuration. Every default lives in the embedded reference.conf, which
/// <see cref="Create(Config)"/> always reads as the fallback; none is written here (a settings object made with
/// <c>new</c> holds zeros: derive one from <see cref="Create(Config)"/> with <c>with</c>). The protocol's own defaults
/// (<see cref="GroupMemberSettings"/>, used without Akka by the simulator) equal reference.conf's, checked by a test.
/// </summary>
public sealed record CausalGroupsSettings
{
    /// <summary><c>guardian-name</c>: name of the guardian actor (group actors live at /system/&lt;name&gt;/&lt;group&gt;).</summary>
    public string GuardianName { get; init; } = "";
    /// <summary><c>tick-interval</c>: how often each group actor feeds the protocol a tick.</summary>
    public TimeSpan TickInterval { get; init; }
    /// <summary><c>join-retry-interval</c>: how often a joining member announces itself until it is admitted.</summary>
    public TimeSpan JoinRetryInterval { get; init; }
    /// <summary><c>founding-delay</c>: how long the oldest node waits for an answer before it founds the group.</summary>
    public TimeSpan FoundingDelay { get; init; }
    /// <summary><c>merge-interval</c>: how often a group's coordinator probes the Up nodes outside its view for another group of the same name to merge with.</summary>
    public TimeSpan MergeInterval { get; init; }
    /// <summary><c>snapshot-timeout</c>: how long a member waits for a snapshot for a joiner before it sends an empty one.</summary>
    public TimeSpan SnapshotTimeout { get; init; }
    /// <summary><c>leave-timeout</c>: how long a leave waits for a view without this member.</summary>
    public TimeSpan LeaveTimeout { get; init; }
    /// <summary><c>ask-timeout</c>: timeout of the asks <see cref="CausalGroup"/> makes.</summary>
    public TimeSpan AskTimeout { get; init; }
    /// <summary><c>log-rejected-inputs</c>: log the inputs the protocol refuses (off: only count them).</summary>
    public bool LogRejectedInputs { get; init; }
    /// <summary><c>verify-payloads</c>: Broadcast also deserializes each payload at the sender and refuses (PayloadNotSerializable) one that does not come back.</summary>
    public bool VerifyPayloads { get; init; }
    /// <summary><c>protocol</c>: the protocol state machine's settings, the default of every group joined here.</summary>
    public GroupMemberSettings Protocol { get; init; } = new();
    /// <summary><c>batching</c>: how protocol messages are batched into envelopes.</summary>
    public BatchingSettings Batching { get; init; } = new();
    /// <summary><c>chunking</c>: how large protocol messages travel as pieces.</summary>
    public ChunkingSettings Chunking { get; init; } = new();
    /// <summary><c>metrics.enabled</c>: System.Diagnostics.Metrics under the meter <see cref="CausalGroups.MeterName"/>.</summary>
    public bool MetricsEnabled { get; init; }
    /// <summary><c>metrics.interval</c>: how often the protocol's counters become metric increments.</summary>
    public TimeSpan MetricsInterval { get; init; }

    /// <summary>Reads <c>actorcausal</c> from the system's configuration (with the reference defaults as fallback).</summary>
    public static CausalGroupsSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config.WithFallback(CausalGroups.DefaultConfig()).GetConfig("actorcausal"));
    }

    /// <summary>Reads an <c>actorcausal</c> section; reference.conf's section is its fallback for every key it does not set.</summary>
    public static CausalGroupsSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsNullOrEmpty()) throw new ConfigurationException("The actorcausal configuration section is missing.");
        return Read(new SettingsReader(config.WithFallback(ReferenceSection.Value)));
    }

    private static readonly Lazy<Config> ReferenceSection = new(() => CausalGroups.DefaultConfig().GetConfig("actorcausal"));

    /// <summary>Every key of the section, each read once, none with a default of its own.</summary>
    internal static CausalGroupsSettings Read(SettingsReader r)
    {
        var settings = new CausalGroupsSettings
        {
            GuardianName = r.String("guardian-name"),
            TickInterval = r.PositiveDuration("tick-interval"),
            JoinRetryInterval = r.PositiveDuration("join-retry-interval"),
            FoundingDelay = r.PositiveDuration("founding-delay"),
            MergeInterval = r.PositiveDuration("merge-interval"),
            SnapshotTimeout = r.PositiveDuration("snapshot-timeout"),
            LeaveTimeout = r.PositiveDuration("leave-timeout"),
            AskTimeout = r.PositiveDuration("ask-timeout"),
            LogRejectedInputs = r.Boolean("log-rejected-inputs"),
            VerifyPayloads = r.Boolean("verify-payloads"),
            Protocol = new GroupMemberSettings
            {
                TotalOrder = ParseTotalOrder(r.String("protocol.total-order")),
                MaxUnstable = r.Int("protocol.max-unstable"),
                ReceiveWindow = r.Long("protocol.receive-window"),
                NakInitialDelayMs = r.PositiveMillis("protocol.nak-initial-delay"),
                NakMaxDelayMs = r.PositiveMillis("protocol.nak-max-delay"),
                TotalRetryDelayMs = r.PositiveMillis("protocol.total-retry-delay"),
                StabilityIntervalMs = r.PositiveMillis("protocol.stability-interval"),
                IdleGossipIntervalMs = r.PositiveMillis("protocol.idle-gossip-interval"),
                MaxClockSkewMs = r.PositiveMillis("protocol.max-clock-skew"),
                DependencyIndexCapacity = r.Int("protocol.dependency-index-capacity"),
                SafeAckDelayMs = r.NonNegativeMillis("protocol.safe-ack-delay"),
                SafeQuorum = ParseSafeQuorum(r.String("protocol.safe-quorum")),
            },
            Batching = new BatchingSettings
            {
                Enabled = r.Boolean("batching.enabled"),
                MaxMessages = r.Int("batching.max-messages"),
                MaxBytes = r.Bytes("batching.max-bytes"),
                Linger = r.Duration("batching.linger"),
                CompactEnvelopes = r.Boolean("batching.compact-envelopes"),
            },
            Chunking = new ChunkingSettings
            {
                PieceSize = (int)Math.Min(int.MaxValue, r.Bytes("chunking.piece-size")),
                MaxMessageBytes = r.Bytes("chunking.max-message-size"),
                ReassemblyTimeout = r.PositiveDuration("chunking.reassembly-timeout"),
            },
            MetricsEnabled = r.Boolean("metrics.enabled"),
            MetricsInterval = r.PositiveDuration("metrics.interval"),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ConfigurationException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(GuardianName) || !ActorPath.IsValidPathElement(GuardianName))
            throw new ConfigurationException($"actorcausal.guardian-name '{GuardianName}' is not a valid actor name.");
        if (Batching.MaxMessages < 1) throw new ConfigurationException("actorcausal.batching.max-messages must be at least 1.");
        if (Batching.MaxBytes < 1) throw new ConfigurationException("actorcausal.batching.max-bytes must be positive.");
        if (Batching.Linger < TimeSpan.Zero) throw new ConfigurationException("actorcausal.batching.linger must not be negative.");
        if (Chunking.PieceSize < 1024) throw new ConfigurationException("actorcausal.chunking.piece-size must be at least 1KiB.");
        if (Chunking.MaxMessageBytes < Chunking.PieceSize) throw new ConfigurationException("actorcausal.chunking.max-message-size must be at least piece-size.");
        if (Chunking.ReassemblyTimeout <= TimeSpan.Zero) throw new ConfigurationException("actorcausal.chunking.reassembly-timeout must be positive.");
        try
        {
            Protocol.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException($"actorcausal.protocol: {e.Message}");
        }
    }

    private static TotalOrderMode ParseTotalOrder(string value) => value.Trim().ToLowerInvariant() switch
    {
        "three-step" or "threestep" or "3" => TotalOrderMode.ThreeStep,
        "two-step" or "twostep" or "2" => TotalOrderMode.TwoStep,
        "symmetric" => TotalOrderMode.Symmetric,
        _ => throw new ConfigurationException($"actorcausal.protocol.total-order must be three-step, two-step or symmetric, not '{value}'."),
    };

    private static SafeQuorum ParseSafeQuorum(string value) => value.Trim().ToLowerInvariant() switch
    {
        "all" => SafeQuorum.All,
        "majority" => SafeQuorum.Majority,
        _ => throw new ConfigurationException($"actorcausal.protocol.safe-quorum must be all or majority, not '{value}'."),
    };
}
