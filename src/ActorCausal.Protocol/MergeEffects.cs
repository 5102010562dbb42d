using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

/// <summary>Send <see cref="Probe"/> to this group's member on every Up node that is not in its members.</summary>
public sealed record ProbeOtherNodes(MergeProbe Probe) : Effect;

/// <summary>
/// This member's group closed its last view to merge into <see cref="MergeHandover.Target"/>. The driver starts the
/// member's next incarnation with <see cref="GroupMember.Merging"/> and this handover, asks the application for its
/// state at the end of <see cref="MergeHandover.Origin"/> and gives it to the new incarnation's
/// <see cref="GroupMember.ProvideSnapshot"/> with the origin's view id. <see cref="Stopped"/> (<see cref="StopReason.Merged"/>) follows.
/// </summary>
public sealed record MergingInto(MergeHandover Handover) : Effect;

/// <summary>
/// Merge <see cref="Side"/>'s application state into this member's state (not a replacement): the other side of a merge
/// of two groups of one name. Comes after every delivery of the view before <see cref="ViewId"/> and before that view's
/// <see cref="ViewInstalled"/>, at every member of the merged group that was not on that side.
/// </summary>
public sealed record MergeSnapshot(long ViewId, MergeSide Side) : Effect;

/// <summary>What a member of a group that merges into another carries to its next incarnation.</summary>
public sealed class MergeHandover
{
    internal MergeHandover(GroupView origin, GroupView target, MemberId previous, ImmutableArray<HeldForMerge> held, long nextTicket, FlushCommit? lastCommit)
    {
        LastCommit = lastCommit;
        Origin = origin;
        Target = target;
        Previous = previous;
        Held = held;
        NextTicket = nextTicket;
    }

    /// <summary>The last view of the side that merges (it ends here).</summary>
    public GroupView Origin { get; }
    /// <summary>The winner's view as its coordinator described it when it accepted.</summary>
    public GroupView Target { get; }
    /// <summary>The incarnation that closed <see cref="Origin"/>.</summary>
    public MemberId Previous { get; }
    /// <summary>Broadcasts accepted during the closing flush (their tickets stay valid): sent once the new incarnation is admitted.</summary>
    internal ImmutableArray<HeldForMerge> Held { get; }
    internal long NextTicket { get; }
    /// <summary>The commit that closed <see cref="Origin"/>: the next incarnation answers the origin's members that missed it.</summary>
    internal FlushCommit? LastCommit { get; }
    /// <summary>How many held broadcasts move to the next incarnation.</summary>
    public int HeldBroadcasts => Held.Length;
}

internal sealed record HeldForMerge(long Ticket, object Payload, DeliveryOrder Order);
