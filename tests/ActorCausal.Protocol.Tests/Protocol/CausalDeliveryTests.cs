using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Birman–Schiper–Stephenson causal delivery, claim by claim.</summary>
public class CausalDeliveryTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    [Fact]
    public void Bss_a_message_is_held_until_what_its_sender_had_delivered_is_delivered()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "A");
        net.Release(Data(1, "A"));
        net.Broadcast(1, "B");

        net.Release(Data(2, "B"));
        Assert.Empty(net.Delivered[2]);
        Assert.Equal(1, net.Members[2].Status().PendingNow);
        Assert.Equal(1, net.Members[2].Status().Delayed);

        net.Release(Data(2, "A"));
        Assert.Equal(new object[] { "A", "B" }, net.Payloads(2));
    }

    [Fact]
    public void Bss_concurrent_messages_are_not_held_for_each_other()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "A");
        net.Broadcast(1, "B");
        net.Release(Data(2, "B"));
        Assert.Equal(new object[] { "B" }, net.Payloads(2));
        net.Release(Data(2, "A"));
        Assert.Equal(new object[] { "B", "A" }, net.Payloads(2));
    }

    [Fact]
    public void Bss_a_senders_own_broadcast_is_delivered_to_itself_at_once()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "A");
        Assert.Equal(new object[] { "A" }, net.Payloads(0));
    }

    [Fact]
    public void Bss_hold_back_is_per_sender_and_a_reversed_run_is_released_in_order_by_its_first_message()
    {
        var net = new ManualNetwork(2);
        for (var i = 1; i <= 200; i++) net.Broadcast(0, i);
        for (var i = 200; i >= 2; i--) net.Release(Data(1, i));
        Assert.Empty(net.Delivered[1]);
        Assert.Equal(199, net.Members[1].Status().PendingNow);
        net.Release(Data(1, 1));
        Assert.Equal(Enumerable.Range(1, 200).Cast<object>(), net.Payloads(1));
    }

    [Fact]
    public void Bss_causality_carried_by_a_fifo_message_still_holds_back_a_later_causal_message()
    {
        // A (causal, m0) -> delivered at m1, which sends X (fifo) -> delivered at m2 before A, which sends C (causal).
        // A happened-before C through X, so everyone, m2 included, delivers A before C.
        var net = new ManualNetwork(4);
        net.Broadcast(0, "A");
        net.Release(Data(1, "A"));
        net.Broadcast(1, "X", DeliveryOrder.Fifo);
        net.Release(Data(2, "X"));
        Assert.Equal(new object[] { "X" }, net.Payloads(2));
        net.Broadcast(2, "C");
        Assert.Equal(new object[] { "X" }, net.Payloads(2)); // its own C waits for A too

        net.Release(Data(3, "C"));
        net.Release(Data(3, "X"));
        Assert.Equal(new object[] { "X" }, net.Payloads(3));
        net.Release(Data(3, "A"));
        Assert.Equal(new object[] { "X", "A", "C" }, net.Payloads(3));
        net.Release(Data(2, "A"));
        Assert.Equal(new object[] { "X", "A", "C" }, net.Payloads(2));
    }
}
