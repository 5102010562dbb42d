using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>When a view change starts, at members of view m0, m1, m2, driven directly through a recording host.</summary>
public class ViewChangeStarterTests
{
    private static readonly MemberId Joiner = new("joiner", 1);

    [Fact]
    public void Only_the_oldest_member_not_removed_starts_a_flush_towards_the_membership_it_wants_among_the_members_not_removed()
    {
        var coordinator = new Host(rank: 0);
        var other = new Host(rank: 1);
        foreach (var host in new[] { coordinator, other })
        {
            host.Roster.Remove(host.Member(2), host.View);
            host.Roster.RequestJoin(Joiner, host.View);
            host.Starter.Coordinate();
        }

        var (desired, participants) = Assert.Single(coordinator.Flushes);
        Assert.Equal<MemberId>([coordinator.Member(0), coordinator.Member(1), Joiner], desired);
        Assert.Equal<int>([0, 1], participants);
        Assert.Empty(other.Flushes);
    }

    [Fact]
    public void A_member_joining_or_stopped_starts_nothing_and_a_view_closing_for_a_merge_wants_no_members()
    {
        var joining = new Host(rank: 0) { Phase = MemberPhase.Joining };
        var stopped = new Host(rank: 0) { Phase = MemberPhase.Stopped };
        var merging = new Host(rank: 0) { MergeTarget = new GroupView(90, [Joiner]) };

        foreach (var host in new[] { joining, stopped, merging }) host.Starter.Coordinate();

        Assert.Empty(joining.Flushes);
        Assert.Empty(stopped.Flushes);
        Assert.Empty(Assert.Single(merging.Flushes).Desired);
    }

    [Fact]
    public void Under_the_broken_rule_a_member_installs_the_membership_it_wants_alone_without_a_flush()
    {
        var host = new Host(rank: 1, new InstallAlone());
        host.Roster.Remove(host.Member(0), host.View);

        host.Starter.Coordinate();

        Assert.Empty(host.Flushes);
        Assert.Equal<MemberId>([host.Member(1), host.Member(2)], Assert.Single(host.AloneInstalls));
    }

    [Fact]
    public void A_leaving_member_asks_the_coordinator_again_every_four_retry_delays_and_a_leave_request_makes_the_coordinator_change_the_view_once()
    {
        var leaver = new Host(rank: 2);
        leaver.Starter.Leave();
        leaver.Now = 159;
        leaver.Starter.RequestLeaveIfDue();
        Assert.Equal([new LeaveRequest(ViewId)], leaver.SentTo(0));
        leaver.Now = 160;
        leaver.Starter.RequestLeaveIfDue();
        Assert.Equal(2, leaver.SentTo(0).Count);

        var coordinator = new Host(rank: 0);
        coordinator.Starter.OnLeaveRequest(coordinator.Member(2));
        coordinator.Starter.OnLeaveRequest(coordinator.Member(2));
        var (desired, _) = Assert.Single(coordinator.Flushes);
        Assert.Equal<MemberId>([coordinator.Member(0), coordinator.Member(1)], desired);
    }

    private sealed class InstallAlone : ProtocolRules
    {
        public override bool ChangesViewByAgreement => false;
    }

    private sealed class Host : RecordingMember, IViewChangeHost
    {
        public Host(int rank, ProtocolRules? rules = null) : base(rank, size: 3) =>
            Starter = new ViewChangeStarter(this, new GroupMemberSettings { TotalRetryDelayMs = 40, Rules = rules ?? ProtocolRules.Correct }, Roster);

        public MemberRoster Roster { get; } = new();
        public ViewChangeStarter Starter { get; }
        public MemberPhase Phase { get; set; } = MemberPhase.Normal;
        public GroupView? MergeTarget { get; set; }
        public List<(ImmutableArray<MemberId> Desired, ImmutableArray<int> Participants)> Flushes { get; } = new();
        public List<ImmutableArray<MemberId>> AloneInstalls { get; } = new();

        public void ChangeView(ImmutableArray<MemberId> desired, ImmutableArray<int> participants) => Flushes.Add((desired, participants));
        public void InstallAlone(ImmutableArray<MemberId> desired) => AloneInstalls.Add(desired);
        public override int CoordinatorRank() => Roster.CoordinatorRank(View, Size, Rank);
    }
}
