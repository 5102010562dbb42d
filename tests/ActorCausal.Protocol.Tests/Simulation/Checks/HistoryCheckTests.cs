using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Checking.Checks;
using static ActorCausal.Protocol.Tests.Simulation.Checks.CheckTestSupport;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>
/// One test per history check: a hand-built history that breaks exactly that check's rule, the violation (kind, member,
/// messages) worked out by hand from the rule. The whole checker must report that one violation and nothing else.
/// </summary>
public class HistoryCheckTests
{
    private static readonly MessageId A1 = Id(1, 0, 1), A2 = Id(1, 0, 2), B1 = Id(1, 1, 1);

    [Fact]
    public void Creation_a_message_delivered_in_another_order_than_it_was_sent_in()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Causal);
        var v = BreaksOnly(new CreationCheck(), h.Build(), ViolationKind.Creation, B, [A1]);
        Assert.Contains("as Causal but sent as Fifo", v.Detail);
    }

    [Fact]
    public void NoDuplication_a_member_delivers_one_message_twice()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo);
        BreaksOnly(new NoDuplicationCheck(), h.Build(), ViolationKind.Duplication, B, [A1]);
    }

    [Fact]
    public void ViewAgreement_one_view_id_installed_with_two_rank_orders()
    {
        // A installs view 2 first as [a, b]; B then installs view 2 as [b, a]: B's install is the one that disagrees.
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .View(A, 2, A, B)
            .View(B, 2, B, A);
        BreaksOnly(new ViewAgreementCheck(), h.Build(), ViolationKind.View, B, []);
    }

    [Fact]
    public void ViewSequence_a_member_skips_a_view_that_names_it()
    {
        // A passes 1 -> 2 -> 3; B passes 1 -> 3, though view 2 names it.
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .View(A, 2, A, B)
            .View(A, 3, A, B).View(B, 3, A, B);
        var v = BreaksOnly(new ViewSequenceCheck(), h.Build(), ViolationKind.View, B, []);
        Assert.Contains("skipping view 2", v.Detail);
    }

    [Fact]
    public void InView_a_member_sends_a_message_of_a_view_it_is_not_in()
    {
        var stray = Id(2, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, stray, DeliveryOrder.Fifo);
        var v = BreaksOnly(new InViewCheck(), h.Build(), ViolationKind.View, A, [stray]);
        Assert.Contains("of view 2 while in view 1", v.Detail);
    }

    [Fact]
    public void FifoOrder_a_member_delivers_a_senders_second_message_before_its_first()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Send(A, A2, DeliveryOrder.Fifo)
            .Deliver(A, A1, A, DeliveryOrder.Fifo).Deliver(A, A2, A, DeliveryOrder.Fifo)
            .Deliver(B, A2, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo);
        // The missing earlier message first, then the one delivered too early.
        BreaksOnly(new FifoOrderCheck(), h.Build(), ViolationKind.Fifo, B, [A1, A2]);
    }

    [Fact]
    public void CausalOrder_a_reply_delivered_before_the_message_it_answers()
    {
        // B delivered a1 before sending b1, so a1 -> b1; C delivers b1 first.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal).Deliver(A, A1, A, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Causal).Deliver(B, B1, B, DeliveryOrder.Causal).Deliver(A, B1, B, DeliveryOrder.Causal)
            .Deliver(C, B1, B, DeliveryOrder.Causal).Deliver(C, A1, A, DeliveryOrder.Causal);
        BreaksOnly(new CausalOrderCheck(), h.Build(), ViolationKind.Causal, C, [A1, B1]);
    }

    [Fact]
    public void ExplicitOrder_a_message_delivered_before_its_named_dependency()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Send(B, B1, DeliveryOrder.Explicit, A1).Deliver(B, B1, B, DeliveryOrder.Explicit).Deliver(A, B1, B, DeliveryOrder.Explicit)
            .Deliver(C, B1, B, DeliveryOrder.Explicit).Deliver(C, A1, A, DeliveryOrder.Fifo);
        BreaksOnly(new ExplicitOrderCheck(), h.Build(), ViolationKind.Explicit, C, [A1, B1]);
    }

    [Fact]
    public void TotalOrder_two_correct_members_deliver_two_total_messages_in_opposite_orders()
    {
        // A: a1 then b1; B: b1 then a1. Walking A's order, B's position drops at b1: reported at B as [a1, b1].
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Total).Send(B, B1, DeliveryOrder.Total)
            .Deliver(A, A1, A, DeliveryOrder.Total).Deliver(A, B1, B, DeliveryOrder.Total)
            .Deliver(B, B1, B, DeliveryOrder.Total).Deliver(B, A1, A, DeliveryOrder.Total);
        BreaksOnly(new TotalOrderCheck(), h.Build(), ViolationKind.Total, B, [A1, B1]);
    }

    [Fact]
    public void VirtualSynchrony_a_member_passes_to_the_next_view_without_a_message_the_others_delivered()
    {
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo)
            .ViewAll(2, A, B, C);
        BreaksOnly(new VirtualSynchronyCheck(), h.Build(), ViolationKind.VirtualSynchrony, C, [A1]);
    }

    [Fact]
    public void Leaver_a_member_leaves_after_a_view_without_a_message_the_survivors_delivered_in_it()
    {
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Stop(C, StopReason.Left)
            .ViewAll(2, A, B);
        var v = BreaksOnly(new LeaverCheck(), h.Build(), ViolationKind.VirtualSynchrony, C, [A1]);
        Assert.Contains("left after view 1 without delivering", v.Detail);
    }

    [Fact]
    public void Snapshot_a_joiners_snapshot_lacks_a_message_the_members_held_at_the_install()
    {
        // A and B delivered a1 in view 1 and pass to view 2 with joiner C, whose snapshot for view 2 is empty.
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo)
            .View(A, 2, A, B, C).View(B, 2, A, B, C).View(C, 2, A, B, C)
            .LoadSnapshot(C, 2);
        // One report per member that passed into view 2 (A and B), each missing a1.
        var violations = InvariantChecker.Check(h.Build(), false);
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.Equal((ViolationKind.Snapshot, C, A1), (v.Kind, v.Member, Assert.Single(v.Messages))));
        Assert.Equal(2, new SnapshotCheck().Check(new HistoryIndex(h.Build()), new CheckerOptions { CheckValidity = false }).Count());
    }

    [Fact]
    public void Partition_a_message_sent_after_a_split_delivered_on_both_sides()
    {
        // A (majority) sends after the split; C (minority) delivers it: reported at the minority deliverer.
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Partition(1, [C], [A, B])
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo).Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Deliver(C, A1, A, DeliveryOrder.Fifo);
        BreaksOnly(new PartitionCheck(), h.Build(), ViolationKind.Partition, C, [A1]);
    }

    [Fact]
    public void AfterStop_a_downed_member_delivers()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Stop(B, StopReason.Downed)
            .Deliver(B, A1, A, DeliveryOrder.Fifo);
        BreaksOnly(new AfterStopCheck(), h.Build(), ViolationKind.AfterStop, B, [A1]);
    }

    [Fact]
    public void GroupFailure_a_group_actor_fails_without_the_test_causing_it()
    {
        // B's group actor failed after it delivered A1; it is then neither correct (validity is not asked of it) nor excused.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo).Add(B, new FailedEvent("Failed", "The group actor failed: InvalidOperationException"));
        var v = BreaksOnly(new GroupFailureCheck(), h.Build(), ViolationKind.GroupFailed, B, [], validity: true);
        Assert.Contains("InvalidOperationException", v.Detail);
        Assert.Empty(InvariantChecker.Check(h.Build(), new CheckerOptions { CausedFailures = new HashSet<MemberId> { B } }));
    }

    [Fact]
    public void AfterStop_a_member_whose_group_actor_failed_delivers()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Add(B, new FailedEvent("Failed", "stopped"))
            .Deliver(B, A1, A, DeliveryOrder.Fifo);
        var options = new CheckerOptions { CheckValidity = false, CausedFailures = new HashSet<MemberId> { B } };
        var v = Assert.Single(InvariantChecker.Check(h.Build(), options));
        Assert.Equal((ViolationKind.AfterStop, B), (v.Kind, v.Member));
    }

    [Fact]
    public void Validity_a_correct_member_never_delivers_a_correct_senders_message()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .AddMember(B);
        BreaksOnly(new ValidityCheck(), h.Build(), ViolationKind.Validity, B, [A1], validity: true);
        Assert.Empty(InvariantChecker.Check(h.Build(), checkValidity: false));
    }
}
