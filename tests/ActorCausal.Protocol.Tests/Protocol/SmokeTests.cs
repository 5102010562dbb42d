using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

public class SmokeTests
{
    [Theory]
    [InlineData(DeliveryOrder.Fifo, TotalOrderMode.ThreeStep)]
    [InlineData(DeliveryOrder.Causal, TotalOrderMode.ThreeStep)]
    [InlineData(DeliveryOrder.Total, TotalOrderMode.ThreeStep)]
    [InlineData(DeliveryOrder.Total, TotalOrderMode.TwoStep)]
    public void Every_member_delivers_every_broadcast_once(DeliveryOrder order, TotalOrderMode mode)
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = mode });
        for (var i = 0; i < 3; i++)
        {
            net.Broadcast(i, $"a{i}", order);
            net.Broadcast(i, $"b{i}", order);
        }
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(6, net.Delivered[i].Count);
        for (var i = 0; i < 5; i++) net.TickAll(100);
        for (var i = 0; i < 3; i++) Assert.Equal(0, net.Members[i].BufferedMessages);
    }
}
