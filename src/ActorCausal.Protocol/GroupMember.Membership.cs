using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Membership inputs, as Akka.Cluster reports them. A suspicion changes no view; a removal, a join request or a
// leave makes the coordinator (the oldest member not removed) run a flush (GroupMember.Flush.cs).
public sealed partial class GroupMember
{
    private readonly MemberRoster _roster = new();
    private Lifecycle _lifecycle = Lifecycle.Joining;

    /// <summary>A member that starts outside the group and waits to be admitted (<see cref="JoinRequested"/> at the members).</summary>
    public static GroupMember Joining(MemberId self, GroupMemberSettings? settings = null, long nowMs = 0) => new(self, settings, nowMs);

    /// <summary>
    /// Where this member is in its life: <see cref="MemberPhase.Joining"/> until its first view, <see cref="MemberPhase.Normal"/> in an
    /// installed view, <see cref="MemberPhase.Flushing"/> while a view change is under way (<see cref="Broadcast"/> holds new broadcasts),
    /// <see cref="MemberPhase.Stopped"/> for good once it emitted <see cref="Stopped"/> (<see cref="Broadcast"/> refuses while joining or stopped).
    /// </summary>
    public MemberPhase Phase => _lifecycle.Phase;

    /// <summary>How this member currently sees <paramref name="member"/> (<see cref="MemberState.Failed"/> once removed).</summary>
    public MemberState StateOf(MemberId member) => _roster.StateOf(member);

    /// <summary>The failure detector marked <paramref name="member"/> unreachable (Akka UnreachableMember). Changes no view.</summary>
    public void Suspected(MemberId member)
    {
        if (Phase == MemberPhase.Stopped || !View.Contains(member) || member == Self || StateOf(member) != MemberState.Active) return;
        _roster.Suspect(member);
        _effects.Add(new PeerSuspected(member));
        RecountReachability();
    }

    /// <summary>The failure detector marked <paramref name="member"/> reachable again (Akka ReachableMember).</summary>
    public void Reachable(MemberId member)
    {
        if (Phase == MemberPhase.Stopped || StateOf(member) != MemberState.Suspected) return;
        _roster.MarkReachable(member);
        _effects.Add(new PeerReachable(member));
        if (Phase != MemberPhase.Joining) RecountReachability();
    }

    /// <summary><paramref name="member"/> was downed and removed from the cluster (Akka MemberRemoved): the next view leaves it out.</summary>
    public void Removed(MemberId member)
    {
        if (Phase == MemberPhase.Stopped) return;
        if (member == Self)
        {
            DownedSelf();
            return;
        }
        _join.Forget(member);
        if (!_roster.Remove(member, View)) return;
        RecountReachability();
        CoordinateViewChange();
    }

    /// <summary>
    /// The split-brain resolver downed <paramref name="member"/> (Akka <c>MemberDowned</c>). For a peer this is only a
    /// final suspicion, never a view change: one resolver decision downs its peers first and the deciding node last, each
    /// a separate <c>MemberDowned</c>, so on the losing side of a split (<c>DownAll</c>, <c>DownIndirectlyConnected</c>,
    /// keep-majority's <c>DownReachable</c>) the peers reported downed first may be exactly the members that go on. Only
    /// <see cref="Removed"/> (Akka <c>MemberRemoved</c>, which the leader of the side that goes on publishes once that
    /// side has converged) starts a view change. <paramref name="member"/> = this member: stop at once.
    /// </summary>
    public void Downed(MemberId member)
    {
        if (Phase == MemberPhase.Stopped) return;
        if (member == Self)
        {
            DownedSelf();
            return;
        }
        _roster.Down(member);
        _join.Forget(member);
        Suspected(member);
    }

    /// <summary><paramref name="member"/> started the group on a node that is Up and asks to be admitted.</summary>
    public void JoinRequested(MemberId member)
    {
        if (Phase == MemberPhase.Stopped || member == Self || _roster.IsRemoved(member) || _roster.IsDowned(member) || _merging.IsMergedAway(member)) return;
        // A new incarnation at an address does not remove the old one: on the same node it is a member that left and
        // joins again (the old one may still be finishing its leave), and a restarted node's old incarnation is downed
        // and removed by Akka itself (Removed); until then the old one is simply a member that does not answer.
        if (!_roster.RequestJoin(member, View)) return;
        CoordinateViewChange();
    }

    /// <summary>This member leaves the group gracefully: its messages are delivered, then it stops.</summary>
    public void Leave()
    {
        if (Phase is MemberPhase.Stopped or MemberPhase.Joining) return;
        _starter.Leave();
    }

    /// <summary>The cluster downed this node: stop delivering at once.</summary>
    public void DownedSelf() => Stop(StopReason.Downed, "The cluster downed this node.");

    private void Stop(StopReason reason, string detail)
    {
        if (Phase == MemberPhase.Stopped) return;
        _lifecycle = Lifecycle.Stopped(reason);
        _held.Clear();
        _installer.Stopped();
        _effects.Add(new Stopped(reason, detail));
    }

    /// <summary>The lowest rank not removed: the oldest member still in the group.</summary>
    private int CoordinatorRank() => _roster.CoordinatorRank(View, _viewState.Size, Rank);

    private bool RepairMissedCommit(MemberId from, ProtocolMessage message) => _installer.RepairMissedCommit(from, message);
}
