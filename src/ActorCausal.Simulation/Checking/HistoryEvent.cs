using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>One event in a member's local history, as the application saw it.</summary>
public abstract record HistoryEvent
{
    /// <summary>Virtual (simulator) or wall (cluster log) time in ms, for humans only: the checker uses local event order, never times.</summary>
    public long TimeMs { get; init; }
}

/// <summary>
/// An event about one broadcast message. <see cref="Order"/> is the base order (FIFO, causal, explicit, total);
/// <see cref="Safe"/> marks safe delivery (<see cref="DeliveryOrder.SafeCausal"/>, <see cref="DeliveryOrder.SafeTotal"/>).
/// </summary>
public abstract record MessageEvent(MessageId Id, DeliveryOrder Order) : HistoryEvent
{
    /// <summary>Sent (or delivered) with safe delivery.</summary>
    public bool Safe { get; init; }

    /// <summary>The order as the application asked for it.</summary>
    public DeliveryOrder RequestedOrder => Order.WithSafe(Safe);
}

/// <summary>
/// The member broadcast <see cref="MessageEvent.Id"/> (the broadcast was accepted). A broadcast held during a view
/// change is recorded when its id becomes known, at that point of the member's local order.
/// </summary>
public sealed record SendEvent(MessageId Id, DeliveryOrder Order, ImmutableArray<MessageId> DependsOn) : MessageEvent(Id, Order)
{
    public SendEvent(MessageId id, DeliveryOrder order) : this(id, order, ImmutableArray<MessageId>.Empty) { }

    /// <summary>A send of a broadcast that asked for <paramref name="requested"/>: a safe order becomes its base order with <see cref="MessageEvent.Safe"/>.</summary>
    public static SendEvent Of(MessageId id, DeliveryOrder requested, ImmutableArray<MessageId> dependsOn, long timeMs) =>
        new(id, requested.BaseOrder(), dependsOn) { Safe = requested.IsSafe(), TimeMs = timeMs };

    public override string ToString() =>
        DependsOn.IsDefaultOrEmpty
            ? $"@{TimeMs} send {Id} {RequestedOrder}"
            : $"@{TimeMs} send {Id} {RequestedOrder} deps=[{string.Join(",", DependsOn)}]";
}

/// <summary>The member's application received <see cref="MessageEvent.Id"/>, attributed to <see cref="Sender"/>.</summary>
public sealed record DeliverEvent(MessageId Id, MemberId Sender, DeliveryOrder Order) : MessageEvent(Id, Order)
{
    public override string ToString() => $"@{TimeMs} deliver {Id} from {Sender} {RequestedOrder}";
}

/// <summary>The member installed view <see cref="ViewId"/> with <see cref="Members"/> (rank order). An initial member's history starts with its first view.</summary>
public sealed record ViewEvent(long ViewId, ImmutableArray<MemberId> Members) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} view {ViewId} [{string.Join(", ", Members)}]";
}

/// <summary>
/// A joiner's application replaced its state with a snapshot taken for view <see cref="ViewId"/>: the ids of the
/// messages the state reflects, in the order the snapshot lists them.
/// </summary>
public sealed record SnapshotLoadEvent(long ViewId, ImmutableArray<MessageId> State) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} load snapshot for view {ViewId}: {State.Length} messages";
}

/// <summary>
/// From here on the member's application holds <see cref="State"/>, messages of another group that it never delivered:
/// a merged side's state (<c>GroupsMerged</c>, with view <see cref="ViewId"/>), what its own previous incarnation held when
/// it closed its group to merge, or the merged part of a loaded snapshot. Kept apart from <see cref="SnapshotLoadEvent"/>,
/// whose state is this group's own messages.
/// </summary>
public sealed record MergedStateEvent(long ViewId, ImmutableArray<MessageId> State) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} merged state for view {ViewId}: {State.Length} messages of other groups";
}

/// <summary>The member said it delivers nothing more (left, downed or excluded).</summary>
public sealed record StopEvent(StopReason Reason, string Detail) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} stopped: {Reason} {Detail}";
}

/// <summary>
/// The member's group actor failed, or stopped for a reason that is not one of the protocol's (the runtime's
/// <c>GroupStopReason.Failed</c>, or a reason the recorder does not know): nothing of ours should end a member so. Not a
/// <see cref="StopEvent"/>: the checker reports it (<see cref="ViolationKind.GroupFailed"/>) unless the test caused it
/// (<see cref="CheckerOptions.CausedFailures"/>), and like a stop, nothing may follow it.
/// </summary>
public sealed record FailedEvent(string Reason, string Detail) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} group actor failed: {Reason} {Detail}";
}

/// <summary>The member's process crashed: nothing follows in its history.</summary>
public sealed record CrashEvent : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} crashed";
}

/// <summary>
/// The member's process was paused (SIGSTOP) until <see cref="ResumeAtMs"/>. <see cref="Excluded"/>: for so long that the
/// cluster downs and removes it, whether or not it ever learns so; it is no longer a correct member from here on, but
/// what it does after it resumes is still checked (its own order, its views).
/// </summary>
public sealed record PauseEvent(long ResumeAtMs, bool Excluded) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} paused until {ResumeAtMs}{(Excluded ? ", excluded by the cluster" : "")}";
}

/// <summary>
/// The network split: links between <see cref="Minority"/> and everyone else drop everything from this point on.
/// Recorded in the history of every member alive at the split (and first in the history of members created after it).
/// <see cref="Minority"/> is the side the split-brain resolver downs. <see cref="Number"/> tells several splits apart.
/// </summary>
public sealed record PartitionEvent(int Number, ImmutableArray<MemberId> Minority, ImmutableArray<MemberId> Majority) : HistoryEvent
{
    public override string ToString() => $"@{TimeMs} partition #{Number}: [{string.Join(", ", Minority)}] | [{string.Join(", ", Majority)}]";
}

/// <summary>The local history of one member: its sends, deliveries, views, snapshot loads and stops, in the order they happened there.</summary>
public sealed record MemberHistory(MemberId Member, IReadOnlyList<HistoryEvent> Events)
{
    /// <summary>What the simulator recorded about this member beyond its events (null for logs and hand-built histories unless a test adds them).</summary>
    public RunFacts? Facts { get; init; }

    public override string ToString() => $"{Member}: {Events.Count} events";
}
