using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Membership inputs, as Akka.Cluster reports them. A suspicion changes no view; a removal, a join request or a
// leave makes the coordinator (the oldest member not removed) run a flush (GroupMember.Flush.cs).
public sealed partial class GroupMember
{
    private const int MaxBufferedFutureMessages = 10_000;
    private readonly MemberRoster _roster = new();
    private readonly List<(MemberId From, ProtocolMessage Message)> _futureMessages = new();
    private Lifecycle _lifecycle = Lifecycle.Joining;
    private long _leaveRetryAt;

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
        _roster.Leave(Self);
        _leaveRetryAt = _now;
        RequestLeaveIfDue();
        CoordinateViewChange();
    }

    /// <summary>The cluster downed this node: stop delivering at once.</summary>
    public void DownedSelf() => Stop(StopReason.Downed, "The cluster downed this node.");

    private void Stop(StopReason reason, string detail)
    {
        if (Phase == MemberPhase.Stopped) return;
        _lifecycle = Lifecycle.Stopped(reason);
        _held.Clear();
        _futureMessages.Clear();
        _effects.Add(new Stopped(reason, detail));
    }

    private void RequestLeaveIfDue()
    {
        if (!_roster.IsLeaving(Self) || Phase == MemberPhase.Stopped || _leaveRetryAt > _now) return;
        _leaveRetryAt = _now + Settings.TotalRetryDelayMs * 4;
        var coordinator = CoordinatorRank();
        if (coordinator != Rank) _effects.Add(new Send(View.Members[coordinator], new LeaveRequest(View.Id)));
    }

    private ReceiveOutcome OnLeaveRequest(MemberId from, int fromRank, LeaveRequest request)
    {
        if (_roster.Leave(from)) CoordinateViewChange();
        return ReceiveOutcome.Accepted;
    }

    /// <summary>The lowest rank not removed: the oldest member still in the group.</summary>
    private int CoordinatorRank() => _roster.CoordinatorRank(View, _viewState.Size, Rank);

    /// <summary>A message of a view this member has not installed: kept (bounded) for when it does.</summary>
    private ReceiveOutcome ReceiveFuture(MemberId from, ProtocolMessage message)
    {
        if (Phase == MemberPhase.Flushing && message.ViewId == View.Id + 1) AskForMissedCommit(from);
        if (message.ViewId == View.Id + 1 && _futureMessages.Count < MaxBufferedFutureMessages && message is not Welcome)
        {
            _futureMessages.Add((from, message));
            return ReceiveOutcome.Accepted;
        }
        return Reject(from, RejectReason.FutureView, $"{message.GetType().Name} of view {message.ViewId}, current view is {View.Id}.");
    }

    /// <summary>
    /// A message of an earlier view. A member of the current view still flushing the previous one gets the commit it
    /// missed; anything else is refused as stale.
    /// </summary>
    private ReceiveOutcome ReceiveStale(MemberId from, int fromRank, ProtocolMessage message)
    {
        if (RepairMissedCommit(from, message)) return ReceiveOutcome.Duplicate;
        return Reject(from, RejectReason.StaleView, $"{message.GetType().Name} of view {message.ViewId}, current view is {View.Id}.");
    }

    /// <summary>Flush traffic of a view this member closed, from a member of that view (leavers too): send it the commit it missed.</summary>
    private bool RepairMissedCommit(MemberId from, ProtocolMessage message)
    {
        if (message is not (FlushRequest or FlushReport or FlushPrepareAck or FlushPrepare or LeaveRequest)) return false;
        foreach (var (commit, closed) in _recentCommits)
        {
            if (commit.ViewId == message.ViewId && closed.Contains(from)) _effects.Add(new Send(from, commit));
        }
        return true;
    }

    private ReceiveOutcome ReceiveWhileJoining(MemberId from, ProtocolMessage message)
    {
        if (message is Welcome welcome)
        {
            if (!welcome.Members.Contains(Self)) return Reject(from, RejectReason.Malformed, $"Welcome to view {welcome.ViewId} does not list {Self}.");
            _merging.AddWelcomeSnapshots(welcome);
            var view = new GroupView(welcome.ViewId, welcome.Members);
            var standIn = new WelcomeDuty(view, welcome.Joined) { Merged = welcome.Merged, Snapshot = welcome.Snapshot, RetryAtMs = _now, RetryBackoffMs = Settings.TotalRetryDelayMs };
            standIn.Pending.Remove(Self);
            Install(view, welcome.Joined, ImmutableArray<MemberId>.Empty);
            _welcome = standIn; // sent only if every old member is removed (SendWelcomesIfDue)
            return ReceiveOutcome.Accepted;
        }
        if (message is not (FlushRequest or FlushPrepare or FlushCommit) && _futureMessages.Count < MaxBufferedFutureMessages)
        {
            _futureMessages.Add((from, message));
            return ReceiveOutcome.Accepted;
        }
        return ReceiveOutcome.Duplicate;
    }

    /// <summary>Installs <paramref name="view"/> (this member is in it), then sends held broadcasts and replays early messages.</summary>
    private void Install(GroupView view, ImmutableArray<MemberId> joined, ImmutableArray<MemberId> left)
    {
        ResetForView(view);
        _lifecycle = Lifecycle.Normal;
        _roster.ResetStates(view);
        RecountReachability();
        _roster.Installed(view, left);
        _effects.Add(new ViewInstalled(view, joined, left));

        var held = _held.TakeAll();
        foreach (var h in held)
        {
            // The id is announced before the message can be delivered here, so the send precedes its delivery.
            _effects.Add(new HeldBroadcastSent(h.Ticket, new MessageId(View.Id, Rank, _viewState.Seq + 1)));
            SendNow(h.Payload, h.Order, h.DependsOn.Where(d => d.ViewId == view.Id).ToImmutableArray());
        }

        var early = _futureMessages.Where(f => f.Message.ViewId == view.Id).ToList();
        _futureMessages.Clear();
        foreach (var (from, message) in early) Receive(from, message);
        CoordinateViewChange();
    }
}
