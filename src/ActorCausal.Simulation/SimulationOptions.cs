using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation;

/// <summary>Which delivery orders the workload uses.</summary>
public enum OrderMix
{
    Fifo,
    Causal,
    Explicit,
    Total,
    /// <summary>Each broadcast picks one of the four orders uniformly.</summary>
    Mixed,
}

/// <summary>One simulated schedule's shape: group size, workload, network faults and protocol settings. The seed is separate.</summary>
public sealed record SimulationOptions
{
    public int Members { get; init; } = 5;

    /// <summary>Total broadcasts in the workload.</summary>
    public int Messages { get; init; } = 200;

    /// <summary>Probability that one copy of a message on a link is lost.</summary>
    public double Loss { get; init; }

    /// <summary>Probability that a message on a link is sent twice (each copy can still be lost).</summary>
    public double Duplication { get; init; }

    /// <summary>False: every directed link is FIFO (as Akka remoting is). True: copies on a link may overtake each other.</summary>
    public bool Reorder { get; init; }

    /// <summary>Per-copy link delay, uniform in [<see cref="MinDelayMs"/>, <see cref="MaxDelayMs"/>], unless <see cref="ConstantDelayMs"/> is set.</summary>
    public int MinDelayMs { get; init; } = 1;
    public int MaxDelayMs { get; init; } = 30;
    public int? ConstantDelayMs { get; init; }

    public OrderMix Order { get; init; } = OrderMix.Mixed;

    /// <summary>
    /// Probability that a causal or total-order broadcast of the workload is safe (<see cref="DeliveryOrder.SafeCausal"/>,
    /// <see cref="DeliveryOrder.SafeTotal"/>). 0 (the default) draws nothing, so existing seeds replay as before.
    /// </summary>
    public double SafeFraction { get; init; }

    /// <summary>The total-order variant; null: picked per schedule from the seed.</summary>
    public TotalOrderMode? TotalMode { get; init; }

    public int TickIntervalMs { get; init; } = 5;

    /// <summary>The workload spreads its broadcasts over <see cref="Messages"/> × this many ms of virtual time.</summary>
    public double MeanBroadcastGapMs { get; init; } = 5;

    /// <summary>Probability that a workload event is a burst: <see cref="BurstMin"/>..<see cref="BurstMax"/> back-to-back broadcasts from one member at one instant.</summary>
    public double BurstProbability { get; init; } = 0.05;
    public int BurstMin { get; init; } = 5;
    public int BurstMax { get; init; } = 20;

    /// <summary>How long a broadcast refused with back-pressure waits before it is tried again.</summary>
    public int BackPressureRetryMs { get; init; } = 20;

    /// <summary>Virtual time allowed after the last broadcast for the group to reach quiescence.</summary>
    public long QuiescenceTimeoutMs { get; init; } = 60_000;

    /// <summary>
    /// Protocol settings for every member (tests set the internal <c>Faults</c> to run broken variants).
    /// <see cref="GroupMemberSettings.TotalOrder"/> is replaced by the schedule's total-order mode.
    /// </summary>
    public GroupMemberSettings? ProtocolSettings { get; init; }

    /// <summary>
    /// Membership faults the membership oracle injects (crashes, joins, leaves, false suspicions, partitions, restarts):
    /// each schedule draws its own plan from its seed. <see cref="FaultKinds.None"/> (the default) runs one fixed view,
    /// exactly as before faults existed.
    /// </summary>
    public FaultKinds Faults { get; init; } = FaultKinds.None;

    /// <summary>A fixed fault plan instead of a generated one (scenario tests). Non-null turns the oracle on even with <see cref="Faults"/> none.</summary>
    public IReadOnlyList<FaultStep>? FaultScript { get; init; }

    /// <summary>Most fault episodes a generated plan holds (1 to this many per schedule).</summary>
    public int MaxFaultEpisodes { get; init; } = 3;

    /// <summary>The simulated cluster's failure detection, resolver and gossip timing.</summary>
    public FaultTiming FaultTiming { get; init; } = new();

    /// <summary>
    /// Check total order also through members that crashed, were downed or left (reported as
    /// <see cref="Checking.ViolationKind.UniformTotal"/>). Off by default: the protocol promises that survivors agree,
    /// not that a member's last deliveries before it crashed match theirs (see docs/protocol.md, "Limits").
    /// </summary>
    public bool UniformTotalOrder { get; init; }

    /// <summary>
    /// Applied to every protocol message where the simulated network delivers it (from, to, message → what arrives), for
    /// example a round trip through the real wire format. Null: the sent object itself arrives.
    /// </summary>
    public Func<MemberId, MemberId, ProtocolMessage, ProtocolMessage>? Wire { get; init; }

    /// <summary>True when the membership oracle runs: faults enabled or a fault script given.</summary>
    public bool HasFaults => Faults != FaultKinds.None || FaultScript is not null;

    public void Validate()
    {
        if (Members < 1) throw new ArgumentOutOfRangeException(nameof(Members), Members, "At least one member.");
        if (Messages < 0) throw new ArgumentOutOfRangeException(nameof(Messages), Messages, "Must not be negative.");
        if (!(Loss >= 0 && Loss < 1)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "Must be in [0, 1).");
        if (!(Duplication >= 0 && Duplication <= 1)) throw new ArgumentOutOfRangeException(nameof(Duplication), Duplication, "Must be in [0, 1].");
        if (MinDelayMs < 0 || MaxDelayMs < MinDelayMs) throw new ArgumentOutOfRangeException(nameof(MinDelayMs), "Delays must satisfy 0 <= min <= max.");
        if (ConstantDelayMs < 0) throw new ArgumentOutOfRangeException(nameof(ConstantDelayMs), ConstantDelayMs, "Must not be negative.");
        if (TickIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(TickIntervalMs), TickIntervalMs, "Must be positive.");
        if (!(MeanBroadcastGapMs >= 0)) throw new ArgumentOutOfRangeException(nameof(MeanBroadcastGapMs), MeanBroadcastGapMs, "Must not be negative.");
        if (!(BurstProbability >= 0 && BurstProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(BurstProbability), BurstProbability, "Must be in [0, 1].");
        if (BurstMin < 1 || BurstMax < BurstMin) throw new ArgumentOutOfRangeException(nameof(BurstMin), "Bursts must satisfy 1 <= min <= max.");
        if (!(SafeFraction >= 0 && SafeFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(SafeFraction), SafeFraction, "Must be in [0, 1].");
        if (BackPressureRetryMs <= 0) throw new ArgumentOutOfRangeException(nameof(BackPressureRetryMs), BackPressureRetryMs, "Must be positive.");
        if (QuiescenceTimeoutMs <= 0) throw new ArgumentOutOfRangeException(nameof(QuiescenceTimeoutMs), QuiescenceTimeoutMs, "Must be positive.");
        if (MaxFaultEpisodes < 1) throw new ArgumentOutOfRangeException(nameof(MaxFaultEpisodes), MaxFaultEpisodes, "At least one.");
        if ((Faults & ~FaultKinds.All) != 0) throw new ArgumentOutOfRangeException(nameof(Faults), Faults, "Unknown fault kind.");
        ArgumentNullException.ThrowIfNull(FaultTiming);
        FaultTiming.Validate();
        ProtocolSettings?.Validate();
    }
}
