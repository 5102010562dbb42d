using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>The checker's view, virtual-synchrony, snapshot, partition and fault-aware rules on hand-built histories.</summary>
public class MembershipCheckerTests
{
    private static readonly MemberId A = new("a", 1);
    private static readonly MemberId B = new("b", 1);
    private static readonly MemberId C = new("c", 1);
    private static readonly MemberId D = new("d", 1);
    private static readonly MemberId C2 = new("c", 2);

    private static MessageId Id(long view, int sender, long sequence) => new(view, sender, sequence);

    private static IReadOnlyList<InvariantViolation> Check(HistoryBuilder h, bool validity = true, bool uniform = true) =>
        InvariantChecker.Check(h.Build(), new CheckerOptions { CheckValidity = validity, UniformTotalOrder = uniform });

    private static InvariantViolation Single(IReadOnlyList<InvariantViolation> violations, ViolationKind kind, MemberId member)
    {
        var v = Assert.Single(violations);
        Assert.Equal(kind, v.Kind);
        Assert.Equal(member, v.Member);
        return v;
    }

    /// <summary>A, B, C in view 1; C crashes after sending c1 that only A received; A and B pass to view 2 [A, B].</summary>
    private static HistoryBuilder CrashOfC(bool bDeliversC1)
    {
        var c1 = Id(1, 2, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Send(C, c1, DeliveryOrder.Fifo)
            .Deliver(C, c1, C, DeliveryOrder.Fifo)
            .Crash(C)
            .Deliver(A, c1, C, DeliveryOrder.Fifo);
        if (bDeliversC1) h.Deliver(B, c1, C, DeliveryOrder.Fifo);
        h.ViewAll(2, A, B);
        return h;
    }

    [Fact]
    public void Survivors_that_deliver_the_same_view_messages_pass_and_the_crashed_sender_needs_no_more()
    {
        var h = CrashOfC(bDeliversC1: true)
            .Send(A, Id(2, 0, 1), DeliveryOrder.Causal)
            .Deliver(A, Id(2, 0, 1), A, DeliveryOrder.Causal)
            .Deliver(B, Id(2, 0, 1), A, DeliveryOrder.Causal);
        Assert.Empty(Check(h));
    }

    [Fact]
    public void Virtual_synchrony_violation_when_one_survivor_misses_a_view_message()
    {
        var v = Single(Check(CrashOfC(bDeliversC1: false), validity: false), ViolationKind.VirtualSynchrony, B);
        Assert.Equal([Id(1, 2, 1)], v.Messages.ToArray());
        Assert.Contains("from view 1 to view 2", v.Detail);

        // At the end of a run, agreement among correct members reports it too.
        Assert.Contains(Check(CrashOfC(bDeliversC1: false)), x => x.Kind == ViolationKind.Validity && x.Member == B);
    }

    [Fact]
    public void Two_members_installing_one_view_id_with_different_members_is_a_view_violation()
    {
        var h = new HistoryBuilder().ViewAll(1, A, B, C).View(A, 2, A, B).View(B, 2, B, A).View(C, 2, A, B, C);
        var violations = Check(h, validity: false);
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.Equal(ViolationKind.View, v.Kind));
        Assert.Equal([B, C], violations.Select(v => v.Member).ToArray());
    }

    [Fact]
    public void View_ids_must_strictly_increase_and_a_view_must_name_its_installer()
    {
        var h = new HistoryBuilder().ViewAll(2, A, B).View(A, 2, A, B).View(B, 3, A);
        var violations = Check(h, validity: false);
        Assert.Contains(violations, v => v.Kind == ViolationKind.View && v.Member == A && v.Detail.Contains("strictly increase"));
        Assert.Contains(violations, v => v.Kind == ViolationKind.View && v.Member == B && v.Detail.Contains("does not name it"));
    }

    [Fact]
    public void A_message_is_sent_and_delivered_only_in_its_view_with_the_senders_rank()
    {
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, Id(1, 0, 1), DeliveryOrder.Fifo)
            .Deliver(A, Id(1, 0, 1), A, DeliveryOrder.Fifo)
            .ViewAll(2, A, B)
            .Deliver(B, Id(1, 0, 1), A, DeliveryOrder.Fifo); // delivered in view 2
        var v = Single(Check(h, validity: false), ViolationKind.View, B);
        Assert.Contains("while in view 2", v.Detail);

        var wrongRank = new HistoryBuilder().ViewAll(1, A, B).Send(B, Id(1, 0, 1), DeliveryOrder.Fifo);
        Assert.Contains("rank", Single(Check(wrongRank, validity: false), ViolationKind.View, B).Detail);
    }

    [Fact]
    public void Skipping_a_view_that_names_the_member_is_a_view_violation()
    {
        var h = new HistoryBuilder().ViewAll(1, A, B).View(A, 2, A, B).View(B, 2, A, B).View(A, 3, A, B).View(B, 3, A, B);
        Assert.Empty(Check(h, validity: false));
        var skipping = new HistoryBuilder().ViewAll(1, A, B).View(A, 2, A, B).View(A, 3, A, B).View(B, 3, A, B);
        Assert.Contains("skipping view 2", Single(Check(skipping, validity: false), ViolationKind.View, B).Detail);
    }

    [Fact]
    public void A_member_left_out_of_a_view_never_comes_back_but_its_new_incarnation_may()
    {
        var h = new HistoryBuilder().ViewAll(1, A, B, C).ViewAll(2, A, B).ViewAll(3, A, B, C2);
        Assert.Empty(Check(h, validity: false));
        var back = new HistoryBuilder().ViewAll(1, A, B, C).ViewAll(2, A, B).View(A, 3, A, B, C).View(B, 3, A, B, C);
        Assert.Contains("again", Single(Check(back, validity: false), ViolationKind.View, C).Detail);
    }

    [Fact]
    public void Fifo_is_per_view_sequence_numbers_restart_in_each_view()
    {
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, Id(1, 0, 1), DeliveryOrder.Fifo).Deliver(A, Id(1, 0, 1), A, DeliveryOrder.Fifo).Deliver(B, Id(1, 0, 1), A, DeliveryOrder.Fifo)
            .ViewAll(2, B, A)
            .Send(A, Id(2, 1, 1), DeliveryOrder.Fifo).Send(A, Id(2, 1, 2), DeliveryOrder.Fifo)
            .Deliver(A, Id(2, 1, 1), A, DeliveryOrder.Fifo).Deliver(A, Id(2, 1, 2), A, DeliveryOrder.Fifo)
            .Deliver(B, Id(2, 1, 2), A, DeliveryOrder.Fifo).Deliver(B, Id(2, 1, 1), A, DeliveryOrder.Fifo);
        var v = Single(Check(h), ViolationKind.Fifo, B);
        Assert.Equal([Id(2, 1, 1), Id(2, 1, 2)], v.Messages.ToArray());
    }

    [Fact]
    public void A_joiner_reaches_earlier_views_through_its_snapshot_only()
    {
        // a1 (view 1) -> a2 (view 2, causal). D joins in view 2 with a snapshot holding a1 and delivers a2: fine.
        var a1 = Id(1, 0, 1);
        var a2 = Id(2, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, a1, DeliveryOrder.Causal).Deliver(A, a1, A, DeliveryOrder.Causal).Deliver(B, a1, A, DeliveryOrder.Causal)
            .ViewAll(2, A, B, D)
            .LoadSnapshot(D, 2, a1)
            .Send(A, a2, DeliveryOrder.Causal).Deliver(A, a2, A, DeliveryOrder.Causal).Deliver(B, a2, A, DeliveryOrder.Causal).Deliver(D, a2, A, DeliveryOrder.Causal);
        // ViewAll added D's view before its load; the order of the two does not matter to the checker.
        Assert.Empty(Check(h));
    }

    [Fact]
    public void A_snapshot_must_equal_the_state_of_the_members_that_passed_into_the_view()
    {
        var a1 = Id(1, 0, 1);
        var b1 = Id(1, 1, 1);
        HistoryBuilder Build(params MessageId[] snapshot) => new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, a1, DeliveryOrder.Fifo).Deliver(A, a1, A, DeliveryOrder.Fifo).Deliver(B, a1, A, DeliveryOrder.Fifo)
            .Send(B, b1, DeliveryOrder.Fifo).Deliver(B, b1, B, DeliveryOrder.Fifo).Deliver(A, b1, B, DeliveryOrder.Fifo)
            .ViewAll(2, A, B, D)
            .LoadSnapshot(D, 2, snapshot);

        Assert.Empty(Check(Build(b1, a1)));
        var violations = Check(Build(a1));
        Assert.Equal(2, violations.Count); // compared with A and with B
        Assert.All(violations, v =>
        {
            Assert.Equal(ViolationKind.Snapshot, v.Kind);
            Assert.Equal(D, v.Member);
            Assert.Equal([b1], v.Messages.ToArray());
        });
    }

    [Fact]
    public void After_a_split_no_message_sent_after_it_is_delivered_on_both_sides()
    {
        // C is cut off; A sends a1 after the split; C somehow delivers it, and A and B do too.
        var a1 = Id(1, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Partition(1, [C], [A, B])
            .Send(A, a1, DeliveryOrder.Fifo).Deliver(A, a1, A, DeliveryOrder.Fifo).Deliver(B, a1, A, DeliveryOrder.Fifo)
            .Deliver(C, a1, A, DeliveryOrder.Fifo)
            .Stop(C, StopReason.Downed)
            .ViewAll(2, A, B);
        var v = Single(Check(h), ViolationKind.Partition, C);
        Assert.Equal([a1], v.Messages.ToArray());

        // The minority's own message sent after the split may be delivered on its side only.
        var c1 = Id(1, 2, 1);
        var fine = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Partition(1, [C], [A, B])
            .Send(C, c1, DeliveryOrder.Fifo).Deliver(C, c1, C, DeliveryOrder.Fifo)
            .Stop(C, StopReason.Downed)
            .ViewAll(2, A, B);
        Assert.Empty(Check(fine));
    }

    [Fact]
    public void Nothing_is_delivered_after_a_stop_or_a_crash()
    {
        var a1 = Id(1, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Stop(C, StopReason.Downed)
            .Send(A, a1, DeliveryOrder.Fifo).Deliver(A, a1, A, DeliveryOrder.Fifo).Deliver(B, a1, A, DeliveryOrder.Fifo)
            .Deliver(C, a1, A, DeliveryOrder.Fifo);
        Assert.Contains("after it stopped", Single(Check(h, validity: false), ViolationKind.AfterStop, C).Detail);

        var crashed = new HistoryBuilder().ViewAll(1, A, B).Send(A, a1, DeliveryOrder.Fifo).Crash(B).Deliver(B, a1, A, DeliveryOrder.Fifo);
        Assert.Contains("after its crash", Single(Check(crashed, validity: false), ViolationKind.AfterStop, B).Detail);
    }

    [Fact]
    public void Validity_under_faults_binds_correct_members_only_and_agreement_covers_crashed_senders()
    {
        // Crashed C's message delivered by correct A must be delivered by correct B too (same view); crashed C need not
        // deliver A's later message; B never delivering A's message is a validity violation.
        var c1 = Id(1, 2, 1);
        var a1 = Id(1, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Send(C, c1, DeliveryOrder.Fifo).Deliver(C, c1, C, DeliveryOrder.Fifo).Crash(C)
            .Deliver(A, c1, C, DeliveryOrder.Fifo)
            .Send(A, a1, DeliveryOrder.Fifo).Deliver(A, a1, A, DeliveryOrder.Fifo);
        var violations = Check(h);
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.Equal((ViolationKind.Validity, B), (v.Kind, v.Member)));
        Assert.Equal([a1], violations[0].Messages.ToArray());
        Assert.Equal([c1], violations[1].Messages.ToArray());
        Assert.Contains("(correct) delivered it", violations[1].Detail);
    }

    [Fact]
    public void Total_order_disagreement_through_a_crashed_member_is_uniform_total_and_can_be_left_out()
    {
        var t1 = Id(1, 0, 1);
        var t2 = Id(1, 1, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C)
            .Send(A, t1, DeliveryOrder.Total).Send(B, t2, DeliveryOrder.Total)
            .Deliver(C, t2, B, DeliveryOrder.Total).Deliver(C, t1, A, DeliveryOrder.Total).Crash(C)
            .Deliver(A, t1, A, DeliveryOrder.Total).Deliver(A, t2, B, DeliveryOrder.Total)
            .Deliver(B, t1, A, DeliveryOrder.Total).Deliver(B, t2, B, DeliveryOrder.Total)
            .ViewAll(2, A, B);
        var violations = Check(h);
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v => Assert.Equal((ViolationKind.UniformTotal, C), (v.Kind, v.Member)));
        Assert.Contains("c#1 Crashed", violations[0].Detail);
        Assert.Empty(Check(h, uniform: false));
    }

    [Fact]
    public void A_held_broadcast_recorded_after_its_own_delivery_is_a_creation_violation()
    {
        // The strict reading: the application must learn a held broadcast's id before it delivers it.
        var a1 = Id(2, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(2, A, B)
            .Deliver(A, a1, A, DeliveryOrder.Fifo)
            .Send(A, a1, DeliveryOrder.Fifo)
            .Deliver(B, a1, A, DeliveryOrder.Fifo);
        Assert.Contains(Check(h, validity: false), v => v.Kind == ViolationKind.Creation && v.Member == A && v.Messages.SequenceEqual([a1]));
    }

    [Fact]
    public void A_message_lost_with_every_holder_does_not_bind_later_views_but_one_that_outlived_its_view_does()
    {
        // D sends d1 that only C receives; C delivers it, sends fifo c1 (so d1 -> c1), and both C and D crash.
        // A and B deliver c1, pass to view 2, and A sends causal a1 (d1 -> c1 -> a1). B delivers a1 without d1:
        // nobody can deliver d1 any more, so this is no causal violation.
        var d1 = Id(1, 3, 1);
        var c1 = Id(1, 2, 1);
        var a1 = Id(2, 0, 1);
        HistoryBuilder Build(bool aCarriesD1)
        {
            var h = new HistoryBuilder()
                .ViewAll(1, A, B, C, D)
                .Send(D, d1, DeliveryOrder.Fifo).Deliver(D, d1, D, DeliveryOrder.Fifo).Crash(D)
                .Deliver(C, d1, D, DeliveryOrder.Fifo)
                .Send(C, c1, DeliveryOrder.Fifo).Deliver(C, c1, C, DeliveryOrder.Fifo).Crash(C)
                .Deliver(A, c1, C, DeliveryOrder.Fifo).Deliver(B, c1, C, DeliveryOrder.Fifo);
            if (aCarriesD1) h.Deliver(A, d1, D, DeliveryOrder.Fifo);
            return h.ViewAll(2, A, B)
                .Send(A, a1, DeliveryOrder.Causal).Deliver(A, a1, A, DeliveryOrder.Causal).Deliver(B, a1, A, DeliveryOrder.Causal);
        }

        Assert.Empty(Check(Build(aCarriesD1: false)));

        // If A carried d1 into view 2, B delivering a1 without d1 is a causal violation (and a virtual synchrony one).
        var violations = Check(Build(aCarriesD1: true), validity: false);
        Assert.Contains(violations, v => v.Kind == ViolationKind.Causal && v.Member == B && v.Messages.SequenceEqual([d1, a1]));
        Assert.Contains(violations, v => v.Kind == ViolationKind.VirtualSynchrony && v.Member == B);
    }

    [Fact]
    public void Within_one_view_causality_through_a_fifo_message_still_binds()
    {
        var d1 = Id(1, 3, 1);
        var c1 = Id(1, 2, 1);
        var c2 = Id(1, 2, 2);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B, C, D)
            .Send(D, d1, DeliveryOrder.Fifo).Deliver(D, d1, D, DeliveryOrder.Fifo).Crash(D)
            .Deliver(C, d1, D, DeliveryOrder.Fifo)
            .Send(C, c1, DeliveryOrder.Fifo).Send(C, c2, DeliveryOrder.Causal).Deliver(C, c1, C, DeliveryOrder.Fifo).Deliver(C, c2, C, DeliveryOrder.Causal).Crash(C)
            .Deliver(A, c1, C, DeliveryOrder.Fifo).Deliver(A, c2, C, DeliveryOrder.Causal);
        var v = Single(Check(h, validity: false), ViolationKind.Causal, A);
        Assert.Equal([d1, c2], v.Messages.ToArray());
    }
}
