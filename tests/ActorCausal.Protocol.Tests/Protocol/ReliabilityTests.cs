using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

public class ReliabilityTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    [Fact]
    public void A_lost_message_is_detected_by_the_gap_nakked_and_retransmitted()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, 1);
        net.Broadcast(0, 2);
        net.Broadcast(0, 3);
        net.Drop(Data(1, 2));
        net.Flush();
        Assert.Equal(new object[] { 1 }, net.Payloads(1));

        net.TickAll(net.Members[1].Settings.NakInitialDelayMs);
        Assert.Equal(new object[] { 1, 2, 3 }, net.Payloads(1));
        Assert.Equal(1, net.Members[1].Status().NaksSent);
        Assert.Equal(1, net.Members[0].Status().Retransmitted);
    }

    [Fact]
    public void A_lost_last_message_is_detected_from_the_senders_gossip()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, "only");
        net.Drop(Data(1, "only"));
        for (var i = 0; i < 20 && !net.Payloads(1).Any(); i++) net.TickAll(50);
        Assert.Equal(new object[] { "only" }, net.Payloads(1));
    }

    [Fact]
    public void Naks_back_off_exponentially_while_unanswered()
    {
        var net = new ManualNetwork(2); // NAK after 20 ms, then 40, 80, 160, 320, ... (max 1000)
        net.Broadcast(0, 1);
        net.Broadcast(0, 2);
        net.Drop(Data(1, 1));
        net.Flush();
        var naks = 0;
        for (var t = 0; t < 100; t++)
        {
            net.TickAll(10, flush: false);
            naks += net.Drop(f => f.Message is Nak);
            net.Flush();
        }
        // Within 1000 ms: NAKs at 20, 60, 140, 300 and 620 ms.
        Assert.Equal(5, naks);
        Assert.Equal(5, net.Members[1].Status().NaksSent);
    }

    [Fact]
    public void Duplicates_are_ignored_and_counted()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, "x");
        var copy = net.InFlight.Single().Message;
        net.Flush();
        var outcome = net.Inject(1, 0, copy);
        Assert.Equal(ReceiveStatus.Duplicate, outcome.Status);
        Assert.Equal(new object[] { "x" }, net.Payloads(1));
        Assert.Equal(1, net.Members[1].Status().Duplicates);
    }

    [Fact]
    public void A_missing_message_is_fetched_from_another_member_when_the_sender_does_not_answer()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, 1);
        net.Broadcast(0, 2);
        net.Drop(Data(2, 1));
        net.Flush();
        Assert.Empty(net.Payloads(2));
        net.Blackhole = f => f.From == 0 && f.To == 2; // the sender stays silent towards m2
        for (var i = 0; i < 50 && net.Payloads(2).Count() < 2; i++) net.TickAll(20);
        Assert.Equal(new object[] { 1, 2 }, net.Payloads(2));
        Assert.True(net.Members[1].Status().Retransmitted >= 1);
    }

    [Fact]
    public void A_message_only_another_members_clock_names_is_not_nakked_while_the_sender_is_active_and_its_link_slow()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "a");
        var slowCopy = net.InFlight.Single(f => f.To == 2).Message;
        net.Drop(f => f.To == 2);
        net.Blackhole = f => f.From == 0 && f.To == 2; // m0 -> m2 is slow: nothing more of m0's arrives at m2 for now
        net.Flush();
        net.Broadcast(1, "b"); // m1 delivered a: b's clock names it
        net.Flush();
        Assert.Empty(net.Payloads(2));

        // Under load a FIFO link can lag for seconds: m1's clock says a exists, not that it was lost.
        for (var i = 0; i < 100; i++) net.TickAll(20);
        Assert.Equal(0, net.Members[2].Status().NaksSent);
        Assert.Equal(0, net.Members[0].Status().Retransmitted + net.Members[1].Status().Retransmitted);

        net.Blackhole = null;
        net.Inject(2, 0, slowCopy);
        net.Flush();
        Assert.Equal(new object[] { "a", "b" }, net.Payloads(2));
    }

    [Fact]
    public void A_message_only_another_members_clock_names_is_fetched_from_that_member_once_the_sender_is_suspected()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "a");
        net.Drop(f => f.To == 2);
        net.Blackhole = f => f.From == 0 && f.To == 2; // m0 -> m2 is cut
        net.Flush();
        net.Broadcast(1, "b");
        net.Flush();
        net.Do(2, m => m.Suspected(net.Members[0].Self));
        for (var i = 0; i < 100 && net.Payloads(2).Count() < 2; i++) net.TickAll(20);
        Assert.Equal(new object[] { "a", "b" }, net.Payloads(2));
        Assert.True(net.Members[1].Status().Retransmitted >= 1);
    }

    [Theory]
    [InlineData(DeliveryOrder.Causal)]
    [InlineData(DeliveryOrder.Total)]
    public void Stable_messages_leave_every_buffer(DeliveryOrder order)
    {
        var net = new ManualNetwork(3);
        for (var i = 0; i < 3; i++) net.Broadcast(i, i, order);
        net.Flush();
        Assert.True(net.Members[0].BufferedMessages > 0, "not stable before members have exchanged what they delivered");
        net.TickAll(50);
        net.TickAll(50);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, net.Members[i].BufferedMessages);
            Assert.Equal(0, net.Members[i].Status().UnstableBuffered);
        }
    }

    [Fact]
    public void A_broadcast_past_the_unstable_bound_is_refused_with_back_pressure_and_accepted_once_stable()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 3 });
        for (var i = 0; i < 3; i++) net.Broadcast(0, i);
        var refused = net.Members[0].Broadcast("one too many", DeliveryOrder.Causal);
        Assert.Equal(BroadcastRefusal.BackPressure, refused.Refusal);
        Assert.Contains("limit 3", refused.Reason);
        Assert.Equal(1, net.Members[0].Status().Refused);
        Assert.Equal(3, net.InFlight.Count(f => f.Message is DataMessage)); // nothing was dropped or sent

        net.Flush();
        net.TickAll(50);
        net.TickAll(50);
        Assert.True(net.Members[0].Broadcast("now fine", DeliveryOrder.Causal).Accepted);
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Lost_proposals_and_finals_are_asked_for_again(TotalOrderMode mode)
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = mode });
        net.Broadcast(0, "T", DeliveryOrder.Total);
        net.Flush(2); // the data reaches m1 and m2
        net.Drop(f => f.Message is Proposal && f.From == 1); // m1's first proposal is lost
        net.Flush();
        Assert.Empty(net.Payloads(0)); // the sender lacks m1's proposal
        for (var i = 0; i < 20 && net.Delivered.Any(d => d.Count == 0); i++) net.TickAll(50);
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T" }, net.Payloads(i));
    }
}
