using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal;

/// <summary>Batching of protocol messages bound for the same member into one remote envelope.</summary>
public sealed record BatchingSettings
{
    /// <summary><c>batching.enabled</c>: protocol messages bound for the same member travel together in one envelope.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>A batch is sent once it holds this many protocol messages.</summary>
    public int MaxMessages { get; init; } = 256;
    /// <summary>A batch is sent once its estimated size reaches this many bytes.</summary>
    public long MaxBytes { get; init; } = 64 * 1024;
    /// <summary>Extra wait for more messages before a batch is sent; zero closes the batch when the mailbox is drained.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.Zero;
}

/// <summary>
/// Protocol messages larger than <see cref="PieceSize"/> once serialized (flush reports, decisions and commits with a
/// large backlog, welcomes with a large snapshot, large payloads) travel in pieces and are reassembled by the receiver.
/// </summary>
public sealed record ChunkingSettings
{
    /// <summary>Largest piece, in bytes of the serialized message; keep it below Akka's maximum-frame-size.</summary>
    public int PieceSize { get; init; } = 64 * 1024;
    /// <summary>Largest message a receiver reassembles; a transfer that announces more is refused.</summary>
    public long MaxMessageBytes { get; init; } = 64L * 1024 * 1024;
    /// <summary>A transfer that receives no piece for this long is dropped (the protocol's retries recover).</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The <c>actorcausal</c> section of the configuration (defaults in the embedded reference.conf).</summary>
public sealed record CausalGroupsSettings
{
    /// <summary><c>guardian-name</c>: name of the guardian actor (group actors live at /system/&lt;name&gt;/&lt;group&gt;).</summary>
    public string GuardianName { get; init; } = "actorcausal";
    /// <summary><c>tick-interval</c>: how often each group actor feeds the protocol a tick.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);
    /// <summary><c>join-retry-interval</c>: how often a joining member announces itself until it is admitted.</summary>
    public TimeSpan JoinRetryInterval { get; init; } = TimeSpan.FromMilliseconds(300);
    /// <summary><c>founding-delay</c>: how long the oldest node waits for an answer before it founds the group.</summary>
    public TimeSpan FoundingDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary><c>merge-interval</c>: how often a group's coordinator probes the Up nodes outside its view for another group of the same name to merge with.</summary>
    public TimeSpan MergeInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary><c>snapshot-timeout</c>: how long a member waits for a snapshot for a joiner before it sends an empty one.</summary>
    public TimeSpan SnapshotTimeout { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary><c>leave-timeout</c>: how long a leave waits for a view without this member.</summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary><c>ask-timeout</c>: timeout of the asks <see cref="CausalGroup"/> makes.</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary><c>log-rejected-inputs</c>: log the inputs the protocol refuses (off: only count them).</summary>
    public bool LogRejectedInputs { get; init; } = true;
    /// <summary>Broadcast also deserializes each payload at the sender and refuses (PayloadNotSerializable) one that does not come back.</summary>
    public bool VerifyPayloads { get; init; }
    /// <summary><c>protocol</c>: the protocol state machine's settings, the default of every group joined here.</summary>
    public GroupMemberSettings Protocol { get; init; } = new();
    /// <summary><c>batching</c>: how protocol messages are batched into envelopes.</summary>
    public BatchingSettings Batching { get; init; } = new();
    /// <summary><c>chunking</c>: how large protocol messages travel as pieces.</summary>
    public ChunkingSettings Chunking { get; init; } = new();
    /// <summary><c>metrics.enabled</c>: System.Diagnostics.Metrics under the meter <see cref="CausalGroups.MeterName"/>.</summary>
    public bool MetricsEnabled { get; init; } = true;
    /// <summary><c>metrics.interval</c>: how often the protocol's counters become metric increments.</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads <c>actorcausal</c> from the system's configuration (with the reference defaults as fallback).</summary>
    public static CausalGroupsSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config.WithFallback(CausalGroups.DefaultConfig()).GetConfig("actorcausal"));
    }

    /// <summary>Reads an <c>actorcausal</c> section.</summary>
    public static CausalGroupsSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsNullOrEmpty()) throw new ConfigurationException("The actorcausal configuration section is missing.");
        var p = config.GetConfig("protocol");
        var b = config.GetConfig("batching");
        var m = config.GetConfig("metrics");
        var c = config.GetConfig("chunking");
        var settings = new CausalGroupsSettings
        {
            GuardianName = config.GetString("guardian-name", "actorcausal"),
            TickInterval = Positive(config, "tick-interval"),
            JoinRetryInterval = Positive(config, "join-retry-interval"),
            FoundingDelay = Positive(config, "founding-delay"),
            MergeInterval = Positive(config, "merge-interval"),
            SnapshotTimeout = Positive(config, "snapshot-timeout"),
            LeaveTimeout = Positive(config, "leave-timeout"),
            AskTimeout = Positive(config, "ask-timeout"),
            LogRejectedInputs = config.GetBoolean("log-rejected-inputs", true),
            VerifyPayloads = config.GetBoolean("verify-payloads", false),
            Protocol = new GroupMemberSettings
            {
                TotalOrder = ParseTotalOrder(p.GetString("total-order", "three-step")),
                MaxUnstable = p.GetInt("max-unstable", 10_000),
                ReceiveWindow = p.GetLong("receive-window", 65_536),
                NakInitialDelayMs = Millis(p, "nak-initial-delay"),
                NakMaxDelayMs = Millis(p, "nak-max-delay"),
                TotalRetryDelayMs = Millis(p, "total-retry-delay"),
                StabilityIntervalMs = Millis(p, "stability-interval"),
                IdleGossipIntervalMs = Millis(p, "idle-gossip-interval"),
                MaxClockSkewMs = Millis(p, "max-clock-skew"),
                DependencyIndexCapacity = p.GetInt("dependency-index-capacity", 65_536),
                SafeAckDelayMs = NonNegativeMillis(p, "safe-ack-delay"),
            },
            Batching = new BatchingSettings
            {
                Enabled = b.GetBoolean("enabled", true),
                MaxMessages = b.GetInt("max-messages", 256),
                MaxBytes = b.GetByteSize("max-bytes") ?? 64 * 1024,
                Linger = b.GetTimeSpan("linger", TimeSpan.Zero),
            },
            Chunking = new ChunkingSettings
            {
                PieceSize = (int)Math.Min(int.MaxValue, c.GetByteSize("piece-size") ?? 64 * 1024),
                MaxMessageBytes = c.GetByteSize("max-message-size") ?? 64L * 1024 * 1024,
                ReassemblyTimeout = Positive(c, "reassembly-timeout"),
            },
            MetricsEnabled = m.GetBoolean("enabled", true),
            MetricsInterval = Positive(m, "interval"),
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
        _ => throw new ConfigurationException($"actorcausal.protocol.total-order must be three-step or two-step, not '{value}'."),
    };

    private static TimeSpan Positive(Config config, string path)
    {
        var value = config.GetTimeSpan(path, null, allowInfinite: false);
        if (value <= TimeSpan.Zero) throw new ConfigurationException($"actorcausal: {path} must be a positive duration, not {value}.");
        return value;
    }

    private static long Millis(Config config, string path) => (long)Positive(config, path).TotalMilliseconds;

    private static long NonNegativeMillis(Config config, string path)
    {
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(path, TimeSpan.Zero);
        }
        catch (FormatException e)
        {
            throw new ConfigurationException($"actorcausal setting {path} is not a duration: {e.Message}");
        }
        if (value < TimeSpan.Zero) throw new ConfigurationException($"actorcausal setting {path} must be zero or positive, got {value}.");
        return (long)value.TotalMilliseconds;
    }
}
