using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Merging two groups of one name is GroupMerging's (Internal/GroupMerging.cs); here the member creates the next
// incarnation of a merging member, routes what comes from outside its group, and holds broadcasts while it merges.
public sealed partial class GroupMember : IMergeHost
{
    private readonly GroupMerging _merging;

    /// <summary>
    /// The next incarnation of a member whose group closed its view to merge (<see cref="MergingInto"/>). It is joining,
    /// holds broadcasts until it is admitted (the old incarnation's held ones first, tickets unchanged), and offers itself
    /// to the winner once the application's state at the end of the old view arrives (<see cref="ProvideSnapshot"/> with
    /// the origin's view id).
    /// </summary>
    public static GroupMember Merging(MemberId self, MergeHandover handover, GroupMemberSettings? settings = null, long nowMs = 0)
    {
        ArgumentNullException.ThrowIfNull(handover);
        if (handover.Origin.Contains(self) || handover.Target.Contains(self))
            throw new ArgumentException($"{self} must be a new incarnation, in neither {handover.Origin} nor {handover.Target}.", nameof(self));
        var m = new GroupMember(self, settings, nowMs) { _lifecycle = Lifecycle.MergeJoining };
        m._merging.StartJoin(handover, nowMs);
        m._join.Start(nowMs);
        // Their dependencies (of the origin view or earlier, checked when held) are settled: the closing flush delivered them
        // at every origin member, and every member of the merged view holds the origin's state before the view is installed.
        m._held.Adopt(handover.Held.Select(h => new HeldBroadcast(h.Ticket, h.Payload, h.Order, ImmutableArray<MessageId>.Empty)), handover.NextTicket);
        // The driver routes what is sent to the old incarnation to this one: it repairs origin members that missed the closing commit.
        if (handover.LastCommit is { } commit) m._recentCommits.Enqueue((commit, handover.Origin));
        return m;
    }

    /// <summary>True while this member is the new incarnation of a merging member and not yet admitted.</summary>
    public bool IsMergeJoining => _lifecycle == Lifecycle.MergeJoining;

    /// <summary>
    /// What comes from outside this member's group, before the membership checks: merge traffic; a welcome from another
    /// group (declined); flush traffic of the view this member's previous incarnation closed to merge, whatever its id
    /// (answered with that commit); the commit this member missed, from the next incarnation of a member of its view.
    /// Null: an ordinary message.
    /// </summary>
    private ReceiveOutcome? ReceiveAcrossGroups(MemberId from, ProtocolMessage message)
    {
        if (message is MergeMessage merge && Phase != MemberPhase.Stopped) return _merging.Receive(from, merge);
        if (message is Welcome welcome && _merging.IsWelcomeFromAnotherGroup(from, welcome)) return _merging.DeclineWelcome(welcome);
        if (_merging.IsMergeJoiner && !View.Contains(from) && RepairMissedCommit(from, message)) return ReceiveOutcome.Duplicate;
        if (message is FlushCommit repair && _merging.IsCommitFromSuccessor(from, repair, out var rank)) return _flush.OnCommit(from, rank, repair);
        return null;
    }

    private BroadcastResult HoldWhileMerging(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        if (_held.Count < Settings.MaxUnstable) return Hold(payload, order, deps);
        _counters.Refused++;
        return BroadcastResult.Refused(BroadcastRefusal.BackPressure, $"{_held.Count} broadcasts are held until this member is admitted to the group it merges into (limit {Settings.MaxUnstable}).");
    }

    bool IMergeHost.IsLeaving => _roster.IsLeaving(Self);
    bool IMergeHost.IsDowned(MemberId member) => _roster.IsDowned(member);
    FlushCommit? IMergeHost.LastCommit => _recentCommits.Count > 0 ? _recentCommits.Last().Commit : null;
    void IMergeHost.ForgetPendingJoin(MemberId member) => _roster.ForgetJoin(member);
    void IMergeHost.CoordinateViewChange() => CoordinateViewChange();
    void IMergeHost.Stop(StopReason reason, string detail) => Stop(reason, detail);
}
