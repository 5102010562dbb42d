using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="DeliveredEvents"/> without an actor system: a Deliver effect as the subscriber's Delivered.</summary>
public sealed class DeliveredEventsTests
{
    private static readonly MemberId Sender = new("akka.tcp://sys@127.0.0.1:4002", 22);
    private static readonly Address SenderAddress = Address.Parse(Sender.Address);
    private readonly DeliveredEvents _events = new("g", p => p.Manifest == "bad" ? throw new FormatException("corrupt") : $"decoded {p.Manifest}", NoLogger.Instance);

    private static Deliver Data(object payload) =>
        new(new DataMessage(3, 1, 7, DeliveryOrder.Causal, VectorClock.Of(0, 7), VectorClock.Zero(2), default, default, payload), Sender);

    [Fact]
    public void A_delivery_carries_the_messages_identity_and_the_payload_deserialized()
    {
        var delivered = _events.Of(Data(new SerializedPayload(1, "m", new byte[] { 1 })), SenderAddress, [default, Sender]);

        Assert.Equal("decoded m", delivered.Payload);
        Assert.Equal((Sender, SenderAddress, new MessageId(3, 1, 7), 3L, DeliveryOrder.Causal), (delivered.Sender, delivered.SenderAddress, delivered.MessageId, delivered.ViewId, delivered.Order));
        Assert.Empty(delivered.DependsOn);
        Assert.Equal(0, _events.PayloadFailures);
    }

    [Fact]
    public void A_payload_that_was_never_serialized_is_delivered_as_it_is()
    {
        Assert.Equal("plain", _events.Of(Data("plain"), SenderAddress, [default, Sender]).Payload);
    }

    [Fact]
    public void A_payload_that_cannot_be_deserialized_is_delivered_as_such_and_counted()
    {
        var delivered = _events.Of(Data(new SerializedPayload(9, "bad", new byte[] { 1, 2 })), SenderAddress, []);

        var undeserializable = Assert.IsType<UndeserializablePayload>(delivered.Payload);
        Assert.Equal((9, "bad", 2), (undeserializable.SerializerId, undeserializable.Manifest, undeserializable.Bytes.Length));
        Assert.Contains("corrupt", undeserializable.Error);
        Assert.Equal(1, _events.PayloadFailures);
    }
}
