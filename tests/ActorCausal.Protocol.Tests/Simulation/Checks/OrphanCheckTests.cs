using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Checking.Checks;
using static ActorCausal.Protocol.Tests.Simulation.Checks.CheckTestSupport;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>
/// The orphan rule (<see cref="OrphanCheck"/>) on hand-built histories: view 1 is [a, b, c]; a and b crash, c goes on
/// alone in view 2. a's message A1 is delivered only at b, so it is lost with them (the causal check exempts it).
/// </summary>
public class OrphanCheckTests
{
    private static readonly MessageId A1 = Id(1, 0, 1), B1 = Id(1, 1, 1), C1 = Id(1, 2, 1);

    /// <summary>View 1 of a, b, c; a sends A1 with <paramref name="order"/>, delivers it and crashes; b delivers it.</summary>
    private static HistoryBuilder OnlyBDeliversA1(DeliveryOrder order) => new HistoryBuilder()
        .ViewAll(1, A, B, C)
        .Send(A, A1, order).Deliver(A, A1, A, order).Crash(A)
        .Deliver(B, A1, A, order);

    [Fact]
    public void A_causal_message_of_a_removed_sender_delivered_without_its_lost_past_is_an_orphan()
    {
        // b delivered A1, then sent B1; c delivers B1 but never A1, and b is not in view 2.
        var h = OnlyBDeliversA1(DeliveryOrder.Causal).Send(B, B1, DeliveryOrder.Causal).Deliver(B, B1, B, DeliveryOrder.Causal).Crash(B)
            .Deliver(C, B1, B, DeliveryOrder.Causal).View(C, 2, C);
        var v = BreaksOnly(new OrphanCheck(), h.Build(), ViolationKind.Orphan, C, [A1, B1]);
        Assert.Contains("never delivered here", v.Detail);
    }

    [Fact]
    public void An_explicit_message_of_a_removed_sender_delivered_without_its_lost_dependency_is_an_orphan()
    {
        var h = OnlyBDeliversA1(DeliveryOrder.Fifo).Send(B, B1, DeliveryOrder.Explicit, A1).Deliver(B, B1, B, DeliveryOrder.Explicit).Crash(B)
            .Deliver(C, B1, B, DeliveryOrder.Explicit).View(C, 2, C);
        BreaksOnly(new OrphanCheck(), h.Build(), ViolationKind.Orphan, C, [A1, B1]);
    }

    [Fact]
    public void A_surviving_members_own_message_may_still_go_without_a_lost_past_reached_through_a_fifo_message()
    {
        // b delivered A1 and sent FIFO B1; c delivered B1 (FIFO needs no past) and sent causal C1, whose past holds A1.
        // c stays: the flush must deliver its own C1 although A1 is lost, and that is no orphan.
        var h = OnlyBDeliversA1(DeliveryOrder.Causal).Send(B, B1, DeliveryOrder.Fifo).Deliver(B, B1, B, DeliveryOrder.Fifo).Crash(B)
            .Deliver(C, B1, B, DeliveryOrder.Fifo).Send(C, C1, DeliveryOrder.Causal).Deliver(C, C1, C, DeliveryOrder.Causal).View(C, 2, C);
        Assert.Empty(InvariantChecker.Check(h.Build(), checkValidity: false));
    }

    [Fact]
    public void A_removed_senders_message_delivered_with_its_past_is_no_orphan()
    {
        var h = OnlyBDeliversA1(DeliveryOrder.Causal).Send(B, B1, DeliveryOrder.Causal).Deliver(B, B1, B, DeliveryOrder.Causal).Crash(B)
            .Deliver(C, A1, A, DeliveryOrder.Causal).Deliver(C, B1, B, DeliveryOrder.Causal).View(C, 2, C);
        Assert.Empty(new OrphanCheck().Check(new HistoryIndex(h.Build()), new CheckerOptions()));
        Assert.Empty(InvariantChecker.Check(h.Build(), checkValidity: false));
    }
}
