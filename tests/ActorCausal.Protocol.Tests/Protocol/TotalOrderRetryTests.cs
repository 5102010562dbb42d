using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>An undecided total-order message asks again only once it has waited longer than decisions take here.</summary>
public class TotalOrderRetryTests
{
    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void When_the_network_slows_down_retries_stop_once_the_member_has_seen_how_long_decisions_take(TotalOrderMode mode)
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = mode, TotalRetryDelayMs = 40 });
        var retriesPerRound = new List<long>();
        for (var round = 0; round < 16; round++)
        {
            // Nothing is lost, so every retry is needless. Messages wait 10 ms on the network, from round 4 on 200 ms.
            net.Broadcast(0, round, DeliveryOrder.Total);
            var retries = -Resent(net);
            for (var t = 0; t < (round < 4 ? 1 : 20); t++)
            {
                net.TickAll(10, flush: false);
                retries += net.Drop(f => f.Message is Proposal { ReplyRequested: true });
            }
            retries += Resent(net);
            retriesPerRound.Add(retries);
            net.Flush();
        }
        for (var i = 0; i < 3; i++) Assert.Equal(Enumerable.Range(0, 16).Cast<object>(), net.Payloads(i));
        Assert.All(retriesPerRound.Take(4), r => Assert.Equal(0, r));
        Assert.True(retriesPerRound[4] > 0, "after 10 ms decisions, a 200 ms one should be asked for again");
        Assert.All(retriesPerRound.Skip(8), r => Assert.Equal(0, r));
    }

    [Fact]
    public void The_first_retry_waits_the_configured_delay_and_the_back_off_never_falls_below_it()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalRetryDelayMs = 5_000, NakMaxDelayMs = 1_000 });
        net.Blackhole = f => f.From == 1 && f.To == 0; // m1's proposal never reaches the sender
        net.Broadcast(0, "T", DeliveryOrder.Total);
        net.Flush();
        var resentAt = new List<long>();
        while (net.Now < 16_000)
        {
            net.TickAll(100, flush: false);
            if (net.Drop(f => f.From == 0 && f.To == 1 && f.Message is DataMessage) > 0) resentAt.Add(net.Now);
            net.Flush();
        }
        Assert.Equal(new long[] { 5_000, 10_000, 15_000 }, resentAt);
    }

    private static long Resent(ManualNetwork net) => net.Members.Sum(m => m.Status().Retransmitted);
}
