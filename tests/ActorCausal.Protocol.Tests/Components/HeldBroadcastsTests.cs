using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Broadcasts held for the next view and their tickets.</summary>
public class HeldBroadcastsTests
{
    [Fact]
    public void Held_broadcasts_come_out_oldest_first_with_increasing_tickets_and_only_once()
    {
        var held = new HeldBroadcasts();
        var first = held.Hold("a", DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty);
        var second = held.Hold("b", DeliveryOrder.Total, ImmutableArray<MessageId>.Empty);

        var all = held.TakeAll();

        Assert.True(second > first);
        Assert.Equal(["a", "b"], all.Select(h => (string)h.Payload));
        Assert.Equal([first, second], all.Select(h => h.Ticket));
        Assert.Equal(0, held.Count);
        Assert.Empty(held.TakeAll());
    }

    [Fact]
    public void Tickets_are_not_reused_after_the_held_broadcasts_went_out()
    {
        var held = new HeldBroadcasts();
        var first = held.Hold("a", DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty);
        held.Clear();

        Assert.NotEqual(first, held.Hold("b", DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty));
    }

    [Fact]
    public void A_merging_members_next_incarnation_keeps_its_predecessors_tickets_and_continues_after_them()
    {
        var held = new HeldBroadcasts();
        held.Adopt([new HeldBroadcast(7, "old", DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty)], lastTicket: 9);

        var next = held.Hold("new", DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty);

        Assert.Equal(10, next);
        Assert.Equal([7L, 10L], held.TakeAll().Select(h => h.Ticket));
    }
}
