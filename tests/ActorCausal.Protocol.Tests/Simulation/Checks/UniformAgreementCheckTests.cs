using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Checking.Checks;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary><see cref="UniformAgreementCheck"/> on hand-built histories; every expected violation is worked out by hand.</summary>
public class UniformAgreementCheckTests
{
    private static List<InvariantViolation> Check(IReadOnlyList<MemberHistory> histories, bool endOfRun = true) =>
        new UniformAgreementCheck().Check(new HistoryIndex(histories), new CheckerOptions { CheckValidity = endOfRun }).ToList();

    private static readonly MemberId A = new("a", 1);
    private static readonly MemberId B = new("b", 1);
    private static readonly MemberId C = new("c", 1);

    private static readonly MessageId C1 = new(1, 2, 1), C2 = new(1, 2, 2);

    /// <summary>View 1 = [a, b, c]; c sends c1 with <paramref name="order"/>, delivers it and crashes; a and b install view 2 = [a, b].</summary>
    private static HistoryBuilder CrashedDelivererThenViewChange(DeliveryOrder order, bool survivorsDeliver)
    {
        var h = new HistoryBuilder().ViewAll(1, A, B, C).Send(C, C1, order).Deliver(C, C1, C, order).Crash(C);
        if (survivorsDeliver) h.Deliver(A, C1, C, order).Deliver(B, C1, C, order);
        return h.View(A, 2, A, B).View(B, 2, A, B);
    }

    [Fact]
    public void A_safe_message_a_crashed_member_delivered_must_be_delivered_by_every_member_that_passes_to_the_next_view()
    {
        var violations = Check(CrashedDelivererThenViewChange(DeliveryOrder.SafeCausal, survivorsDeliver: false).Build());
        Assert.Equal(2, violations.Count);
        Assert.All(violations, v =>
        {
            Assert.Equal(ViolationKind.UniformAgreement, v.Kind);
            Assert.Equal([C1], v.Messages.ToArray());
            Assert.Contains("c#1 (Crashed) delivered safe", v.Detail);
        });
        Assert.Equal([A, B], violations.Select(v => v.Member).OrderBy(m => m.Address).ToArray());
        Assert.Empty(InvariantChecker.Check(CrashedDelivererThenViewChange(DeliveryOrder.SafeCausal, survivorsDeliver: true).Build(), checkValidity: false));
    }

    [Fact]
    public void An_unsafe_message_a_crashed_member_delivered_alone_is_no_uniform_agreement_violation()
    {
        // The whole checker (this check included) accepts it: delivery of an unsafe message is only promised among survivors.
        Assert.Empty(InvariantChecker.Check(CrashedDelivererThenViewChange(DeliveryOrder.Causal, survivorsDeliver: false).Build(), checkValidity: false));
    }

    [Fact]
    public void A_correct_member_still_in_the_view_at_the_end_must_deliver_a_safe_message_that_anyone_delivered()
    {
        var h = new HistoryBuilder().Send(C, C1, DeliveryOrder.SafeCausal).Deliver(C, C1, C, DeliveryOrder.SafeCausal)
            .Deliver(A, C1, C, DeliveryOrder.SafeCausal).AddMember(B);
        var v = Assert.Single(Check(h.Build(), endOfRun: true));
        Assert.Equal(B, v.Member);
        Assert.Empty(Check(h.Build(), endOfRun: false)); // mid-run, b may still deliver it
    }

    [Fact]
    public void Safe_total_messages_must_be_in_one_order_also_at_a_member_that_was_downed()
    {
        var h = new HistoryBuilder()
            .Send(C, C1, DeliveryOrder.SafeTotal).Send(C, C2, DeliveryOrder.SafeTotal)
            .Deliver(A, C1, C, DeliveryOrder.SafeTotal).Deliver(A, C2, C, DeliveryOrder.SafeTotal)
            .Deliver(C, C2, C, DeliveryOrder.SafeTotal).Deliver(C, C1, C, DeliveryOrder.SafeTotal)
            .Stop(C, StopReason.Downed)
            .Deliver(B, C1, C, DeliveryOrder.SafeTotal).Deliver(B, C2, C, DeliveryOrder.SafeTotal);
        var violations = Check(h.Build());
        Assert.Equal(2, violations.Count); // (a, c) and (b, c); a and b agree
        Assert.All(violations, v => Assert.Contains("c#1 (Downed)", v.Detail));
        Assert.Equal([A, B], violations.Select(v => v.Detail.Contains("a#1 (Correct)") ? A : B).OrderBy(m => m.Address).ToArray());
    }
}
