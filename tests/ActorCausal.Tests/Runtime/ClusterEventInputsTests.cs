using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster;
using static ActorCausal.Tests.Runtime.ClusterMemberTrackerTests;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="ClusterEventInputs"/> without an actor system: cluster events into a real <see cref="GroupMember"/>, seen through its founding wait and member states.</summary>
public sealed class ClusterEventInputsTests
{
    private static readonly Member SelfNode = Node(5001, 11, 1);
    private static readonly Member OtherNode = Node(5002, 22, 2);
    private static readonly Member ThirdNode = Node(5003, 33, 3);
    private static readonly MemberId SelfId = On(SelfNode, 1);
    private static readonly MemberId OtherId = On(OtherNode, 1);
    private static readonly MemberId ThirdId = On(ThirdNode, 1);

    private readonly ClusterEventInputs _inputs = new(new ClusterMemberTracker(SelfNode.UniqueAddress));
    private readonly List<MemberId> _forgotten = new();

    private (ClusterStep Step, Member? Node) Apply(object e, GroupMember member, GroupActorState state) =>
        _inputs.Apply(e, member, state, member.View.Members, _forgotten.Add);

    private static GroupMember InView() => new(SelfId, new GroupView(1, [SelfId, OtherId, ThirdId]));

    [Fact]
    public void This_node_Up_starts_joining_once_and_founding_then_waits_for_every_other_Up_node()
    {
        var joiner = GroupMember.Joining(SelfId);
        Assert.Equal((ClusterStep.None, null), Apply(new ClusterEvent.MemberUp(OtherNode), joiner, GroupActorState.WaitingForClusterUp));
        Assert.Equal((ClusterStep.SelfUp, SelfNode), Apply(new ClusterEvent.MemberUp(SelfNode), joiner, GroupActorState.WaitingForClusterUp));
        Assert.Null(joiner.FoundingWaitsFor);

        _inputs.StartJoining(joiner, SelfNode);

        Assert.Contains(OtherNode.Address.ToString(), joiner.FoundingWaitsFor);
        Assert.Equal((ClusterStep.None, null), Apply(new ClusterEvent.MemberUp(SelfNode), joiner, GroupActorState.Joining));
    }

    [Fact]
    public void A_node_Up_after_this_one_counts_for_founding_until_unreachable_or_gone()
    {
        var joiner = GroupMember.Joining(SelfId);
        Apply(new ClusterEvent.MemberUp(SelfNode), joiner, GroupActorState.WaitingForClusterUp);
        Assert.Equal((ClusterStep.None, null), Apply(new ClusterEvent.MemberUp(OtherNode), joiner, GroupActorState.Joining));
        Assert.Contains(OtherNode.Address.ToString(), joiner.FoundingWaitsFor);

        Apply(new ClusterEvent.UnreachableMember(OtherNode), joiner, GroupActorState.Joining);
        Assert.Null(joiner.FoundingWaitsFor);
        Apply(new ClusterEvent.ReachableMember(OtherNode), joiner, GroupActorState.Joining);
        Assert.NotNull(joiner.FoundingWaitsFor);
        Apply(new ClusterEvent.MemberLeft(OtherNode.Copy(MemberStatus.Leaving)), joiner, GroupActorState.Joining);
        Assert.Null(joiner.FoundingWaitsFor);
    }

    [Fact]
    public void A_joiner_whose_node_is_not_Up_yet_announces_itself_to_each_node_that_comes_Up()
    {
        var joiner = GroupMember.Joining(SelfId);
        Assert.Equal((ClusterStep.AnnounceTo, OtherNode), Apply(new ClusterEvent.MemberUp(OtherNode), joiner, GroupActorState.Joining));
    }

    [Fact]
    public void Unreachable_and_reachable_nodes_suspect_and_clear_their_members()
    {
        var member = InView();
        Apply(new ClusterEvent.UnreachableMember(OtherNode), member, GroupActorState.Member);
        Assert.Equal(MemberState.Suspected, member.StateOf(OtherId));
        Assert.Equal(MemberState.Active, member.StateOf(ThirdId));

        Apply(new ClusterEvent.ReachableMember(OtherNode), member, GroupActorState.Member);
        Assert.Equal(MemberState.Active, member.StateOf(OtherId));
    }

    [Fact]
    public void A_downed_peer_is_only_suspected_and_a_removed_one_is_forgotten_and_fails()
    {
        var member = InView();
        Apply(new ClusterEvent.MemberDowned(OtherNode.Copy(MemberStatus.Down)), member, GroupActorState.Member);
        Assert.Equal(MemberState.Suspected, member.StateOf(OtherId));
        Assert.Empty(_forgotten);

        Apply(new ClusterEvent.MemberRemoved(ThirdNode.Copy(MemberStatus.Down).Copy(MemberStatus.Removed), MemberStatus.Down), member, GroupActorState.Member);
        Assert.Equal([ThirdId], _forgotten);
        Assert.Equal(MemberState.Failed, member.StateOf(ThirdId));
    }

    [Fact]
    public void This_node_downed_stops_a_member_and_asks_the_actor_to_stop_a_joiner()
    {
        var member = InView();
        Assert.Equal((ClusterStep.None, null), Apply(new ClusterEvent.MemberDowned(SelfNode.Copy(MemberStatus.Down)), member, GroupActorState.Member));
        Assert.Equal(MemberPhase.Stopped, member.Phase);

        var joiner = GroupMember.Joining(SelfId);
        var removed = SelfNode.Copy(MemberStatus.Down).Copy(MemberStatus.Removed);
        Assert.Equal(ClusterStep.SelfGoneBeforeAdmission, Apply(new ClusterEvent.MemberRemoved(removed, MemberStatus.Down), joiner, GroupActorState.Joining).Step);
        Assert.Equal(MemberPhase.Joining, joiner.Phase);
    }

    [Fact]
    public void This_node_leaving_asks_a_member_to_leave_and_a_shutdown_ends_the_inputs()
    {
        var leaving = SelfNode.Copy(MemberStatus.Leaving);
        Assert.Equal(ClusterStep.SelfLeaving, Apply(new ClusterEvent.MemberLeft(leaving), InView(), GroupActorState.Member).Step);
        Assert.Equal(ClusterStep.None, Apply(new ClusterEvent.MemberLeft(leaving), GroupMember.Joining(SelfId), GroupActorState.Joining).Step);

        Assert.False(_inputs.ShutDown);
        Assert.Equal(ClusterStep.ShuttingDown, Apply(ClusterEvent.ClusterShuttingDown.Instance, InView(), GroupActorState.Member).Step);
        Assert.True(_inputs.ShutDown);
    }

    [Fact]
    public void An_Identify_answer_without_subject_names_the_node_without_a_group()
    {
        var id = ClusterEventInputs.IdentifyId(OtherNode);
        Assert.Equal(OtherNode.Address.ToString(), ClusterEventInputs.NodeWithoutGroup(new ActorIdentity(id, null)));
        Assert.Null(ClusterEventInputs.NodeWithoutGroup(new ActorIdentity(id, ActorRefs.Nobody)));
        Assert.Null(ClusterEventInputs.NodeWithoutGroup(new ActorIdentity("someone else's", null)));
    }
}
