using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Messages;

/// <summary>Orders flush attempts: a higher counter wins; the coordinator's rank breaks ties.</summary>
public readonly record struct FlushRound(long Counter, int Coordinator) : IComparable<FlushRound>
{
    /// <summary>Negative when this round is earlier than <paramref name="other"/>, zero when it is the same, positive when later: by <see cref="Counter"/>, then by <see cref="Coordinator"/> rank.</summary>
    public int CompareTo(FlushRound other)
    {
        var c = Counter.CompareTo(other.Counter);
        return c != 0 ? c : Coordinator.CompareTo(other.Coordinator);
    }

    /// <summary>Whether round <paramref name="a"/> is earlier than <paramref name="b"/> (superseded by it).</summary>
    public static bool operator <(FlushRound a, FlushRound b) => a.CompareTo(b) < 0;
    /// <summary>Whether round <paramref name="a"/> is later than <paramref name="b"/> (supersedes it).</summary>
    public static bool operator >(FlushRound a, FlushRound b) => a.CompareTo(b) > 0;
    /// <summary>Whether round <paramref name="a"/> is earlier than <paramref name="b"/> or the same round.</summary>
    public static bool operator <=(FlushRound a, FlushRound b) => a.CompareTo(b) <= 0;
    /// <summary>Whether round <paramref name="a"/> is later than <paramref name="b"/> or the same round.</summary>
    public static bool operator >=(FlushRound a, FlushRound b) => a.CompareTo(b) >= 0;

    /// <summary>The round for logs: <c>counter@coordinator rank</c>, e.g. <c>3@1</c>.</summary>
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

    /// <summary>
    /// The ranks (in the closing view) whose flush reports this decision was made from. Empty from a member that does
    /// not say (an older version): then nobody can tell whether fewer than half of the view reported.
    /// </summary>
    public ImmutableArray<int> Reporters { get; init; } = [];
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

/// <summary>
/// Survivor to coordinator: it stored the <see cref="FlushPrepare"/> of <see cref="Round"/>; with every participant's
/// acknowledgement the coordinator sends <see cref="FlushCommit"/>. A member still flushing that receives traffic of the next
/// view asks that sender for the commit it missed with its last flush answer, or with one of these (of the highest round it
/// saw); a member that applied the commit answers flush traffic of the view it closed with that commit.
/// </summary>
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
