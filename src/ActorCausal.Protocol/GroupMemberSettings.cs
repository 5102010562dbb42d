namespace ActorCausal.Protocol;

/// <summary>Tuning of one <see cref="GroupMember"/>. Times are in the milliseconds that <see cref="GroupMember.Tick"/> reports.</summary>
public sealed record GroupMemberSettings
{
    /// <summary>How total-order priorities are agreed: <see cref="TotalOrderMode.ThreeStep"/> (the default: proposals go to the sender) or <see cref="TotalOrderMode.TwoStep"/>. Every member of a group must use the same mode.</summary>
    public TotalOrderMode TotalOrder { get; init; } = TotalOrderMode.ThreeStep;

    /// <summary>Own messages not yet stable (delivered everywhere) past which <see cref="GroupMember.Broadcast"/> refuses.</summary>
    public int MaxUnstable { get; init; } = 1_000;

    /// <summary>How far beyond a sender's delivered prefix a sequence number may be and still be accepted.</summary>
    public long ReceiveWindow { get; init; } = 65_536;

    /// <summary>Wait before the first NAK for a gap (reordering usually fills it sooner); doubles per retry up to <see cref="NakMaxDelayMs"/>.</summary>
    public long NakInitialDelayMs { get; init; } = 20;
    /// <summary>Cap on the doubling back-off, in milliseconds: of NAKs for a gap, and also of total-order repair requests, repeated flush messages and welcomes to joiners. Must be at least <see cref="NakInitialDelayMs"/>.</summary>
    public long NakMaxDelayMs { get; init; } = 1_000;

    /// <summary>Least wait for a missing proposal or final priority before asking again, and the margin added to the decision time observed here; doubles per retry up to max(<see cref="NakMaxDelayMs"/>, this).</summary>
    public long TotalRetryDelayMs { get; init; } = 40;

    /// <summary>Interval of delivered-vector gossip while this member's delivered vector changes or it holds unstable messages.</summary>
    public long StabilityIntervalMs { get; init; } = 50;

    /// <summary>Interval of delivered-vector gossip when nothing changes (lets peers detect lost tails and free buffers).</summary>
    public long IdleGossipIntervalMs { get; init; } = 500;

    /// <summary>A remote HLC further ahead than this is counted and not merged.</summary>
    public long MaxClockSkewMs { get; init; } = 5_000;

    /// <summary>How many explicit-order messages the dependency index remembers for chain and dependents queries.</summary>
    public int DependencyIndexCapacity { get; init; } = 65_536;

    /// <summary>A joining member announces itself this often until it is admitted.</summary>
    public long JoinRetryIntervalMs { get; init; } = 300;

    /// <summary>A joining member founds the group when nobody answered it for this long and no older node announced the group to it.</summary>
    public long FoundingDelayMs { get; init; } = 1_000;

    /// <summary>
    /// How long a member may wait before acknowledging that it holds a safe message (its held vector), so that one
    /// acknowledgement covers many messages. 0: at the end of the input that made it hold the message (lowest delay,
    /// but one acknowledgement per input and member). Default 1. Lost acknowledgements are repeated with the stability
    /// gossip while safe messages are unstable.
    /// </summary>
    public long SafeAckDelayMs { get; init; } = 1;

    /// <summary>
    /// Which members must store a safe message before it is delivered: <see cref="Protocol.SafeQuorum.All"/> (the default)
    /// or a strict <see cref="Protocol.SafeQuorum.Majority"/> of the view. Every member of a group must use the same.
    /// </summary>
    public SafeQuorum SafeQuorum { get; init; } = SafeQuorum.All;

    /// <summary>A group's coordinator probes every Up node outside its view this often, to find another group of the same name and merge.</summary>
    public long MergeIntervalMs { get; init; } = 2_000;

    /// <summary>
    /// A message counts as delivered here, for stability and so for every sender's <see cref="MaxUnstable"/> bound, only
    /// once this member's reader took it (<see cref="GroupMember.Consumed"/>), not when the member delivered it: the
    /// group's senders are paced by the slowest such reader. Off: delivered is consumed.
    /// </summary>
    public bool PacedByReader { get; init; }

    /// <summary>The protocol's decision points: <see cref="ProtocolRules.Correct"/> except in tests of deliberately broken variants.</summary>
    internal ProtocolRules Rules { get; init; } = ProtocolRules.Correct;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of its range: a count, window, delay or
    /// interval that is not positive, <see cref="NakMaxDelayMs"/> below <see cref="NakInitialDelayMs"/>, or
    /// <see cref="IdleGossipIntervalMs"/> below <see cref="StabilityIntervalMs"/>. The <see cref="GroupMember"/> constructor calls it,
    /// and the Akka runtime when it reads its settings and join options, so a bad configuration is refused before any group starts.
    /// </summary>
    public void Validate()
    {
        if (MaxUnstable <= 0) throw new ArgumentOutOfRangeException(nameof(MaxUnstable), MaxUnstable, "Must be positive.");
        if (ReceiveWindow <= 0) throw new ArgumentOutOfRangeException(nameof(ReceiveWindow), ReceiveWindow, "Must be positive.");
        if (NakInitialDelayMs <= 0 || NakMaxDelayMs < NakInitialDelayMs)
            throw new ArgumentOutOfRangeException(nameof(NakInitialDelayMs), "NAK delays must be positive and initial <= max.");
        if (TotalRetryDelayMs <= 0) throw new ArgumentOutOfRangeException(nameof(TotalRetryDelayMs), TotalRetryDelayMs, "Must be positive.");
        if (StabilityIntervalMs <= 0 || IdleGossipIntervalMs < StabilityIntervalMs)
            throw new ArgumentOutOfRangeException(nameof(StabilityIntervalMs), "Gossip intervals must be positive and idle >= active.");
        if (MaxClockSkewMs <= 0) throw new ArgumentOutOfRangeException(nameof(MaxClockSkewMs), MaxClockSkewMs, "Must be positive.");
        if (JoinRetryIntervalMs <= 0 || FoundingDelayMs <= 0)
            throw new ArgumentOutOfRangeException(nameof(FoundingDelayMs), "Join retry interval and founding delay must be positive.");
        if (SafeAckDelayMs < 0) throw new ArgumentOutOfRangeException(nameof(SafeAckDelayMs), SafeAckDelayMs, "Must be zero or positive.");
        if (!Enum.IsDefined(SafeQuorum)) throw new ArgumentOutOfRangeException(nameof(SafeQuorum), SafeQuorum, "Must be All or Majority.");
        if (MergeIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(MergeIntervalMs), MergeIntervalMs, "Must be positive.");
        if (DependencyIndexCapacity <= 0) throw new ArgumentOutOfRangeException(nameof(DependencyIndexCapacity), DependencyIndexCapacity, "Must be positive.");
    }
}
