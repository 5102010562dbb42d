using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// When a view change starts: the coordinator (the oldest member not removed) runs a flush towards the membership it
/// wants whenever that differs from the view (removals, join requests, leaves, or none at all to close the view for a
/// merge); a member that leaves asks the coordinator to leave it out, again every four retry delays until it is.
/// </summary>
internal sealed class ViewChangeStarter(IViewChangeHost host, GroupMemberSettings settings, MemberRoster roster)
{
    private long _leaveRetryAt;

    /// <summary>Starts or restarts a flush if this member coordinates and the membership it wants differs from the view.</summary>
    public void Coordinate()
    {
        if (host.Phase is not (MemberPhase.Normal or MemberPhase.Flushing)) return;
        if (settings.Rules.ChangesViewByAgreement) ChangeViewByAgreement();
        else host.InstallAlone(DesiredMembers());
    }

    /// <summary>The coordinator (only) starts or restarts a flush round towards the membership it wants.</summary>
    private void ChangeViewByAgreement()
    {
        if (host.CoordinatorRank() != host.Rank) return;
        var desired = DesiredMembers();
        var participants = roster.Participants(host.View, host.Size);
        host.ChangeView(desired, participants);
    }

    private ImmutableArray<MemberId> DesiredMembers()
    {
        if (host.MergeTarget is not null) return []; // closing this view to merge into another group (GroupMember.Merge.cs)
        return roster.Desired(host.View);
    }

    /// <summary>This member leaves: it asks the coordinator at once (or coordinates the change itself).</summary>
    public void Leave()
    {
        roster.Leave(host.Self);
        _leaveRetryAt = host.Now;
        RequestLeaveIfDue();
        Coordinate();
    }

    public void RequestLeaveIfDue()
    {
        if (!roster.IsLeaving(host.Self) || host.Phase == MemberPhase.Stopped || _leaveRetryAt > host.Now) return;
        _leaveRetryAt = host.Now + settings.TotalRetryDelayMs * 4;
        var coordinator = host.CoordinatorRank();
        if (coordinator != host.Rank) host.Emit(new Send(host.View.Members[coordinator], new LeaveRequest(host.View.Id)));
    }

    public ReceiveOutcome OnLeaveRequest(MemberId from)
    {
        if (roster.Leave(from)) Coordinate();
        return ReceiveOutcome.Accepted;
    }
}
