using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

public class FifoDeliveryTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    [Fact]
    public void Fifo_messages_of_one_sender_are_delivered_in_send_order_whatever_the_arrival_order()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, 1, DeliveryOrder.Fifo);
        net.Broadcast(0, 2, DeliveryOrder.Fifo);
        net.Broadcast(0, 3, DeliveryOrder.Fifo);
        net.Release(Data(1, 3));
        Assert.Empty(net.Delivered[1]);
        net.Release(Data(1, 1));
        Assert.Equal(new object[] { 1 }, net.Payloads(1));
        net.Release(Data(1, 2));
        Assert.Equal(new object[] { 1, 2, 3 }, net.Payloads(1));
    }

    [Fact]
    public void Fifo_does_not_wait_for_messages_of_other_senders()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "A");
        net.Release(Data(1, "A"));
        net.Broadcast(1, "F", DeliveryOrder.Fifo);
        net.Release(Data(2, "F"));
        Assert.Equal(new object[] { "F" }, net.Payloads(2));
    }

    [Fact]
    public void Every_order_is_fifo_per_sender()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, "causal", DeliveryOrder.Causal);
        net.Broadcast(0, "explicit", DeliveryOrder.Explicit);
        net.Broadcast(0, "fifo", DeliveryOrder.Fifo);
        net.Release(Data(1, "fifo"));
        net.Release(Data(1, "explicit"));
        Assert.Empty(net.Delivered[1]);
        net.Release(Data(1, "causal"));
        Assert.Equal(new object[] { "causal", "explicit", "fifo" }, net.Payloads(1));
    }
}
