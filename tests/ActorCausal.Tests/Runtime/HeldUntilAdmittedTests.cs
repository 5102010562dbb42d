using System.Collections.Immutable;
using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Serialization;
using Akka.Event;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="HeldUntilAdmitted"/> without an actor system: tickets, the bound, release in order, a broadcast held again.</summary>
public sealed class HeldUntilAdmittedTests
{
    private readonly HeldUntilAdmitted _held = new("g", maxUnstable: 3, NoLogger.Instance);
    private readonly List<string> _broadcast = new();
    private readonly List<(long Ticket, MessageId Id)> _released = new();

    private static SerializedPayload Payload(string text) => new(1, text, new byte[] { 1 });

    private void Release(Func<int, BroadcastResult> answer) =>
        _held.Release((payload, _) =>
        {
            _broadcast.Add(payload.Manifest);
            return answer(_broadcast.Count);
        }, (ticket, id) => _released.Add((ticket, id)));

    [Fact]
    public void Held_broadcasts_get_negative_tickets_and_go_out_in_order_after_admission()
    {
        var first = _held.Hold(Payload("a"), DeliveryOrder.Causal, []);
        var second = _held.Hold(Payload("b"), DeliveryOrder.Total, []);
        Assert.Equal((BroadcastOutcome.Held, -1L), (first.Outcome, first.Ticket));
        Assert.Equal(-2, second.Ticket);
        Assert.False(_held.ReleaseDue);

        _held.Admitted();
        Assert.True(_held.ReleaseDue);
        Release(n => BroadcastResult.Sent(new MessageId(1, 0, n)));

        Assert.Equal(["a", "b"], _broadcast);
        Assert.Equal([(-1L, new MessageId(1, 0, 1)), (-2L, new MessageId(1, 0, 2))], _released);
        Assert.False(_held.ReleaseDue);
    }

    [Fact]
    public void Past_max_unstable_and_with_dependencies_a_broadcast_is_refused()
    {
        for (var i = 0; i < 3; i++) Assert.True(_held.Hold(Payload("x"), DeliveryOrder.Causal, []).Accepted);
        Assert.Equal(RefusalReason.BackPressure, _held.Hold(Payload("x"), DeliveryOrder.Causal, []).Reason);
        Assert.Equal(RefusalReason.UnknownDependency, _held.Hold(Payload("x"), DeliveryOrder.Explicit, [new MessageId(1, 0, 1)]).Reason);
    }

    [Fact]
    public void Admission_without_held_broadcasts_releases_nothing()
    {
        _held.Admitted();
        Assert.False(_held.ReleaseDue);
    }

    [Fact]
    public void A_broadcast_the_protocol_holds_again_keeps_the_application_ticket_and_a_refused_one_is_counted()
    {
        _held.Hold(Payload("a"), DeliveryOrder.Causal, []);
        _held.Hold(Payload("b"), DeliveryOrder.Causal, []);
        _held.Admitted();
        Release(n => n == 1 ? BroadcastResult.Held(7) : BroadcastResult.Refused(BroadcastRefusal.BackPressure, "full"));

        Assert.Empty(_released);
        Assert.Equal(1, _held.Refused);
        Assert.Equal(-1, _held.ApplicationTicket(7));
        Assert.Equal(7, _held.ApplicationTicket(7)); // answered once; a protocol ticket of its own stays as it is
    }

    [Fact]
    public void Dropping_tells_how_many_were_never_sent()
    {
        _held.Hold(Payload("a"), DeliveryOrder.Causal, []);
        _held.Admitted();
        Assert.Equal(1, _held.Drop());
        Assert.False(_held.ReleaseDue);
        Assert.Equal(0, _held.Drop());
    }
}
