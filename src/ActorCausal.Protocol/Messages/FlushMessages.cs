using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Messages;

/// <summary>Orders flush attempts: a higher counter wins; the coordinator's rank breaks ties.</summary>
public readonly record struct FlushRound(long Counter, int Coordinator) : IComparable<FlushRound>
{
    public int CompareTo(FlushRound other)
    {
        var c = Counter.CompareTo(other.Counter);
        return c != 0 ? c : Coordinator.CompareTo(other.Coordinator);
    }

    public static bool operator <(FlushRound a, FlushRound b) => a.CompareTo(b) < 0;
    public static bool operator >(FlushRound a, FlushRound b) => a.CompareTo(b) > 0;
    public static bool operator <=(FlushRound a, FlushRound b) => a.CompareTo(b) <= 0;
    public static bool operator >=(FlushRound a, FlushRound b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Counter}@{Coordinator}";
}

/// <summary>The agreed priority of a total-order message, as one member knows it.</summary>
public readonly record struct KnownFinal(MessageId Message, Priority Priority);

/// <summary>
/// The outcome of a flush: the next view, and what every survivor delivers of view <see cref="ProtocolMessage.ViewId"/>
/// before installing it: for each sender rank, its messages 1..Cut[rank], the total-order ones in <see cref="TotalOrder"/>'s
/// priorities. <see cref="Messages"/> holds every message of that set that not every survivor had delivered.
/// </summary>
public sealed record FlushDecision(
    long ViewId,
    long NewViewId,
    ImmutableArray<MemberId> NewMembers,
    ImmutableArray<long> Cut,
    ImmutableArray<DataMessage> Messages,
    ImmutableArray<KnownFinal> TotalOrder) : ProtocolMessage(ViewId)
{
    /// <summary>Set when the view closes to merge into this other group: <see cref="NewMembers"/> is then empty and every member rejoins there.</summary>
    public GroupView? MergeTarget { get; init; }

    /// <summary>Other groups of this name whose first members this view change admits: every member merges each one's state before the new view.</summary>
    public ImmutableArray<MergeSide> Merged { get; init; } = [];
}

/// <summary>Coordinator to survivors: stop sending, report what you hold.</summary>
public sealed record FlushRequest(long ViewId, FlushRound Round, ImmutableArray<MemberId> NewMembers) : ProtocolMessage(ViewId);

/// <summary>
/// Survivor to coordinator: what it delivered, every view message it holds that is not stable, the final priorities it
/// knows, and a decision it has prepared in an earlier round (which the coordinator must then adopt).
/// </summary>
public sealed record FlushReport(
    long ViewId,
    FlushRound Round,
    VectorClock Delivered,
    ImmutableArray<DataMessage> Messages,
    ImmutableArray<KnownFinal> Finals,
    FlushRound PreparedRound,
    FlushDecision? Prepared) : ProtocolMessage(ViewId);

/// <summary>Coordinator to survivors: hold on to this decision; acknowledge.</summary>
public sealed record FlushPrepare(long ViewId, FlushRound Round, FlushDecision Decision) : ProtocolMessage(ViewId);

public sealed record FlushPrepareAck(long ViewId, FlushRound Round) : ProtocolMessage(ViewId);

/// <summary>Every survivor prepared <see cref="Decision"/>: carry it out and install the new view.</summary>
public sealed record FlushCommit(long ViewId, FlushRound Round, FlushDecision Decision) : ProtocolMessage(ViewId);

/// <summary>To a joiner: its first view and the application state at the view boundary.</summary>
public sealed record Welcome(long ViewId, ImmutableArray<MemberId> Members, ImmutableArray<MemberId> Joined, ReadOnlyMemory<byte> Snapshot) : ProtocolMessage(ViewId)
{
    /// <summary>Other sides merged in this view change (<see cref="FlushDecision.Merged"/>): merged after loading <see cref="Snapshot"/>.</summary>
    public ImmutableArray<MergeSide> Merged { get; init; } = [];
}

/// <summary>A member asks the coordinator to be left out of the next view.</summary>
public sealed record LeaveRequest(long ViewId) : ProtocolMessage(ViewId);
