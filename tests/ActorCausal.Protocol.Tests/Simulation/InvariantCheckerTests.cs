using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>The checker on hand-built histories. Every expected violation is worked out by hand from the history.</summary>
public class InvariantCheckerTests
{
    private static readonly MemberId A = new("a", 1);
    private static readonly MemberId B = new("b", 1);
    private static readonly MemberId C = new("c", 1);
    private static readonly MemberId D = new("d", 1);

    private static MessageId Id(int sender, long sequence) => new(1, sender, sequence);

    private static readonly MessageId A1 = Id(0, 1), A2 = Id(0, 2), A3 = Id(0, 3);
    private static readonly MessageId B1 = Id(1, 1), B2 = Id(1, 2);
    private static readonly MessageId C1 = Id(2, 1);

    private static IReadOnlyList<InvariantViolation> Check(HistoryBuilder h, bool validity = false) => InvariantChecker.Check(h.Build(), validity);

    private static void AssertSingle(IReadOnlyList<InvariantViolation> violations, ViolationKind kind, MemberId member, params MessageId[] ids)
    {
        var v = Assert.Single(violations);
        Assert.Equal(kind, v.Kind);
        Assert.Equal(member, v.Member);
        Assert.Equal(ids, v.Messages.ToArray());
    }

    [Fact]
    public void Checker_accepts_a_correct_history_with_every_order()
    {
        // a1 causal from A, b1 explicit reply to a1 from B, a2 total from A, c1 total from C, b2 fifo from B.
        // Everyone delivers everything, causal past first, total messages a2 before c1 everywhere.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal)
            .Deliver(A, A1, A, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Explicit, A1)
            .Deliver(B, B1, B, DeliveryOrder.Explicit)
            .Deliver(C, A1, A, DeliveryOrder.Causal)
            .Deliver(C, B1, B, DeliveryOrder.Explicit)
            .Deliver(A, B1, B, DeliveryOrder.Explicit)
            .Send(A, A2, DeliveryOrder.Total)
            .Send(C, C1, DeliveryOrder.Total)
            .Deliver(A, A2, A, DeliveryOrder.Total)
            .Deliver(B, A2, A, DeliveryOrder.Total)
            .Deliver(C, A2, A, DeliveryOrder.Total)
            .Deliver(A, C1, C, DeliveryOrder.Total)
            .Deliver(B, C1, C, DeliveryOrder.Total)
            .Deliver(C, C1, C, DeliveryOrder.Total)
            .Send(B, B2, DeliveryOrder.Fifo)
            .Deliver(B, B2, B, DeliveryOrder.Fifo)
            .Deliver(C, B2, B, DeliveryOrder.Fifo)
            .Deliver(A, B2, B, DeliveryOrder.Fifo);

        Assert.Empty(Check(h, validity: true));
    }

    [Fact]
    public void Checker_reports_creation_of_a_message_never_sent()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, Id(1, 7), B, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Creation, B, Id(1, 7));
    }

    [Fact]
    public void Checker_reports_creation_when_a_message_is_attributed_to_the_wrong_sender()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .AddMember(C)
            .Deliver(B, A1, C, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Creation, B, A1);
    }

    [Fact]
    public void Checker_reports_a_duplicate_delivery()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Duplication, B, A1);
    }

    [Fact]
    public void Checker_reports_fifo_violation_naming_the_skipped_message_first()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Send(A, A2, DeliveryOrder.Fifo)
            .Deliver(B, A2, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Fifo, B, A1, A2);
    }

    [Fact]
    public void Checker_reports_a_fifo_gap_once()
    {
        // B delivers a1, a3, a2: only a3 overtakes (a2); a2 then follows a1 correctly.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Send(A, A2, DeliveryOrder.Fifo)
            .Send(A, A3, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A3, A, DeliveryOrder.Fifo)
            .Deliver(B, A2, A, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Fifo, B, A2, A3);
    }

    [Fact]
    public void Checker_reports_fifo_violation_for_explicit_messages_too()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Explicit)
            .Send(A, A2, DeliveryOrder.Explicit)
            .Deliver(B, A2, A, DeliveryOrder.Explicit)
            .Deliver(B, A1, A, DeliveryOrder.Explicit);

        AssertSingle(Check(h), ViolationKind.Fifo, B, A1, A2);
    }

    [Fact]
    public void Checker_reports_causal_violation_of_a_direct_reply()
    {
        // a1 -> b1 because B delivered a1 before sending b1; C delivers b1 (causal) before a1.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Causal)
            .Deliver(C, B1, B, DeliveryOrder.Causal)
            .Deliver(C, A1, A, DeliveryOrder.Causal);

        AssertSingle(Check(h), ViolationKind.Causal, C, A1, B1);
    }

    [Fact]
    public void Checker_reports_causal_violation_through_a_fifo_message()
    {
        // a1 -> b1 (B delivered a1, then sent fifo b1) -> c1 (C delivered b1, then sent causal c1).
        // D may deliver b1 before a1 (fifo), but not c1 before a1: a1 happened-before c1 transitively.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Fifo)
            .Deliver(C, A1, A, DeliveryOrder.Causal)
            .Deliver(C, B1, B, DeliveryOrder.Fifo)
            .Send(C, C1, DeliveryOrder.Causal)
            .Deliver(D, B1, B, DeliveryOrder.Fifo)
            .Deliver(D, C1, C, DeliveryOrder.Causal)
            .Deliver(D, A1, A, DeliveryOrder.Causal);

        AssertSingle(Check(h), ViolationKind.Causal, D, A1, C1);
    }

    [Fact]
    public void Checker_applies_causal_order_to_total_order_messages()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Send(B, B1, DeliveryOrder.Total)
            .Deliver(C, B1, B, DeliveryOrder.Total)
            .Deliver(C, A1, A, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Causal, C, A1, B1);
    }

    [Fact]
    public void Checker_accepts_concurrent_causal_messages_in_any_order()
    {
        // B sends b1 before delivering a1: they are concurrent, C and D may deliver them in opposite orders.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Deliver(C, B1, B, DeliveryOrder.Causal)
            .Deliver(C, A1, A, DeliveryOrder.Causal)
            .Deliver(D, A1, A, DeliveryOrder.Causal)
            .Deliver(D, B1, B, DeliveryOrder.Causal);

        Assert.Empty(Check(h));
    }

    [Fact]
    public void Checker_does_not_apply_causal_order_to_fifo_or_explicit_messages()
    {
        // b1 (fifo) and b2 (explicit, no dependencies) both follow a1 causally; C may deliver them before a1.
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Causal)
            .Deliver(B, A1, A, DeliveryOrder.Causal)
            .Send(B, B1, DeliveryOrder.Fifo)
            .Send(B, B2, DeliveryOrder.Explicit)
            .Deliver(C, B1, B, DeliveryOrder.Fifo)
            .Deliver(C, B2, B, DeliveryOrder.Explicit)
            .Deliver(C, A1, A, DeliveryOrder.Causal);

        Assert.Empty(Check(h));
    }

    [Fact]
    public void Checker_reports_explicit_message_delivered_before_its_dependency()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Send(B, B1, DeliveryOrder.Explicit, A1)
            .Deliver(C, B1, B, DeliveryOrder.Explicit)
            .Deliver(C, A1, A, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Explicit, C, A1, B1);
    }

    [Fact]
    public void Checker_reports_total_order_disagreement_for_each_member_pair()
    {
        // t1 from A and t2 from B are concurrent. A and B deliver t1 then t2; C delivers t2 then t1:
        // the pairs (A, C) and (B, C) disagree, each reported at C as [t1, t2].
        var t1 = A1;
        var t2 = B1;
        var h = new HistoryBuilder()
            .Send(A, t1, DeliveryOrder.Total)
            .Send(B, t2, DeliveryOrder.Total)
            .Deliver(A, t1, A, DeliveryOrder.Total)
            .Deliver(A, t2, B, DeliveryOrder.Total)
            .Deliver(B, t1, A, DeliveryOrder.Total)
            .Deliver(B, t2, B, DeliveryOrder.Total)
            .Deliver(C, t2, B, DeliveryOrder.Total)
            .Deliver(C, t1, A, DeliveryOrder.Total);

        var violations = Check(h, validity: true);
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v =>
        {
            Assert.Equal(ViolationKind.Total, v.Kind);
            Assert.Equal(C, v.Member);
            Assert.Equal(new[] { t1, t2 }, v.Messages.ToArray());
        });
    }

    [Fact]
    public void Checker_compares_total_order_only_on_messages_both_members_delivered()
    {
        // C never delivers t2, so its order cannot disagree with anyone's (validity is not checked here).
        var t1 = A1;
        var t2 = B1;
        var t3 = C1;
        var h = new HistoryBuilder()
            .Send(A, t1, DeliveryOrder.Total)
            .Send(B, t2, DeliveryOrder.Total)
            .Send(C, t3, DeliveryOrder.Total)
            .Deliver(A, t2, B, DeliveryOrder.Total)
            .Deliver(A, t1, A, DeliveryOrder.Total)
            .Deliver(A, t3, C, DeliveryOrder.Total)
            .Deliver(C, t1, A, DeliveryOrder.Total)
            .Deliver(C, t3, C, DeliveryOrder.Total);

        Assert.Empty(Check(h));
    }

    [Fact]
    public void Checker_reports_validity_for_every_member_missing_a_message_including_the_sender()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .AddMember(C);

        var violations = Check(h, validity: true);
        Assert.Equal(2, violations.Count);
        Assert.Equal((ViolationKind.Validity, A, A1), (violations[0].Kind, violations[0].Member, Assert.Single(violations[0].Messages)));
        Assert.Equal((ViolationKind.Validity, C, A1), (violations[1].Kind, violations[1].Member, Assert.Single(violations[1].Messages)));
        Assert.Empty(Check(h, validity: false));
    }

    [Fact]
    public void Checker_reports_a_history_where_a_message_is_delivered_before_it_was_sent()
    {
        // A delivers b1 and then sends a1; B delivers a1 and then sends b1: b1 would precede its own send.
        // The replay is stuck with both waiting; the first stuck member (A) is reported.
        var h = new HistoryBuilder()
            .Deliver(A, B1, B, DeliveryOrder.Fifo)
            .Send(A, A1, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Send(B, B1, DeliveryOrder.Fifo);

        AssertSingle(Check(h), ViolationKind.Creation, A, B1);
    }

    [Fact]
    public void Checker_reports_a_message_id_sent_twice()
    {
        var h = new HistoryBuilder()
            .Send(A, A1, DeliveryOrder.Fifo)
            .Send(B, A1, DeliveryOrder.Fifo);

        var violations = Check(h);
        Assert.Contains(violations, v => v.Kind == ViolationKind.Creation && v.Member == B && v.Messages.SequenceEqual([A1]));
    }
}
