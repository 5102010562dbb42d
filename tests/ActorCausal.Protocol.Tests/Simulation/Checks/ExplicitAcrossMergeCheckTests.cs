using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Checking.Checks;
using static ActorCausal.Protocol.Tests.Simulation.Checks.CheckTestSupport;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>
/// Explicit dependencies on messages of another group that merged into this one: its members never deliver them, their
/// applications are handed them as merged state (<see cref="MergedStateEvent"/>). Such a dependency is satisfied once
/// handed, and only then; one the member delivers must still be delivered first.
/// </summary>
public class ExplicitAcrossMergeCheckTests
{
    private const long Group = 9L << 32;
    private static readonly long View = Group + 1;
    private static readonly MessageId A1 = Id(View, 0, 1), B1 = Id(View, 1, 1);
    /// <summary>Messages of the side that merged: a range above this group's view ids, and one below.</summary>
    private static readonly MessageId Higher = Id((12L << 32) + 3, 0, 5), Lower = Id((2L << 32) + 3, 0, 5);

    private static MergedStateEvent Merged(params MessageId[] state) => new(View, state.ToImmutableArray());

    [Fact]
    public void A_dependency_handed_in_a_merged_state_before_the_delivery_is_satisfied()
    {
        var h = new HistoryBuilder()
            .ViewAll(View, A, B)
            .Add(A, Merged(Higher, Lower)).Add(B, Merged(Higher, Lower))
            .Send(B, B1, DeliveryOrder.Explicit, Higher, Lower).Deliver(B, B1, B, DeliveryOrder.Explicit).Deliver(A, B1, B, DeliveryOrder.Explicit);
        Assert.Empty(InvariantChecker.Check(h.Build(), new CheckerOptions()));
    }

    [Fact]
    public void A_dependency_handed_only_after_the_delivery_is_not()
    {
        var h = new HistoryBuilder()
            .ViewAll(View, A, B)
            .Add(B, Merged(Higher))
            .Send(B, B1, DeliveryOrder.Explicit, Higher).Deliver(B, B1, B, DeliveryOrder.Explicit)
            .Deliver(A, B1, B, DeliveryOrder.Explicit).Add(A, Merged(Higher));
        BreaksOnly(new ExplicitOrderCheck(), h.Build(), ViolationKind.Explicit, A, [Higher, B1]);
    }

    [Fact]
    public void Another_groups_dependency_is_not_taken_for_an_earlier_view_of_this_one()
    {
        // Lower's view id is below A's first view, but of another group's range: no snapshot of this group held it.
        var h = new HistoryBuilder()
            .ViewAll(View, A, B)
            .Add(B, Merged(Lower))
            .Send(B, B1, DeliveryOrder.Explicit, Lower).Deliver(B, B1, B, DeliveryOrder.Explicit).Deliver(A, B1, B, DeliveryOrder.Explicit);
        BreaksOnly(new ExplicitOrderCheck(), h.Build(), ViolationKind.Explicit, A, [Lower, B1]);
    }

    [Fact]
    public void A_dependency_the_member_delivers_must_come_first_even_if_a_state_named_it()
    {
        var h = new HistoryBuilder()
            .ViewAll(View, A, B, C)
            .Send(A, A1, DeliveryOrder.Fifo).Deliver(A, A1, A, DeliveryOrder.Fifo)
            .Deliver(B, A1, A, DeliveryOrder.Fifo)
            .Send(B, B1, DeliveryOrder.Explicit, A1).Deliver(B, B1, B, DeliveryOrder.Explicit)
            .Add(C, Merged(A1))
            .Deliver(C, B1, B, DeliveryOrder.Explicit).Deliver(C, A1, A, DeliveryOrder.Fifo);
        BreaksOnly(new ExplicitOrderCheck(), h.Build(), ViolationKind.Explicit, C, [A1, B1]);
    }
}
