using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// Receiver-driven stability reports: a member that delivered a quarter of a sender's unstable bound more than it last
/// told that sender tells it at the end of the input, so a writer at its bound gets room without waiting for the
/// stability gossip. No test here advances time, so no gossip is ever sent.
/// </summary>
public class StabilityReportTests
{
    private static bool IsReportTo(ManualNetwork.Flight f, int to) => f.To == to && f.Message is StabilityGossip { Held: null };

    private static int ReportsSent(ManualNetwork net, int member) =>
        net.EventsOf<Send>(member).Count(s => s.Message is StabilityGossip);

    [Fact]
    public void A_writer_at_its_bound_gets_room_from_the_reports_alone()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { MaxUnstable = 8 });
        for (var i = 1; i <= 8; i++) net.Broadcast(0, i);
        Assert.False(net.Members[0].HasRoom);
        Assert.Equal(BroadcastRefusal.BackPressure, net.Members[0].Broadcast(9, DeliveryOrder.Causal).Refusal);

        net.Flush();

        Assert.True(net.Members[0].HasRoom);
        Assert.True(net.Members[0].Broadcast(9, DeliveryOrder.Causal).Accepted);
        Assert.Equal(1, net.Members[0].Status().UnstableBuffered); // the 8 were freed when the broadcast recomputed stability
        Assert.Equal(4, ReportsSent(net, 1)); // one per quarter bound (2 messages), each input a batch of its own
        Assert.Equal(4, ReportsSent(net, 2));
    }

    [Fact]
    public void Reports_go_only_to_the_sender_whose_messages_were_delivered()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { MaxUnstable = 4 });
        for (var i = 1; i <= 4; i++) net.Broadcast(0, i);
        net.Flush(max: 4); // the data to member 1 and to member 2, in FIFO order

        Assert.Contains(net.InFlight, f => f.From == 1 && IsReportTo(f, 0));
        Assert.DoesNotContain(net.InFlight, f => f.Message is StabilityGossip && f.To != 0);
    }

    [Fact]
    public void Own_data_that_carries_the_delivered_vector_counts_as_a_report()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 8 }); // a report every 2 messages
        net.Broadcast(0, "a");
        net.Release(f => f.To == 1); // 1 of 0's messages delivered at 1: not due
        net.Broadcast(1, "reply"); // its acks tell 0 that 1 delivered "a"
        net.Broadcast(0, "b");
        net.Release(f => f.To == 1 && f.Message is DataMessage);
        Assert.Equal(0, ReportsSent(net, 1)); // 2 delivered, 1 told: not due

        net.Broadcast(0, "c");
        net.Release(f => f.To == 1 && f.Message is DataMessage);
        Assert.Equal(1, ReportsSent(net, 1));
        Assert.Contains(net.InFlight, f => f.From == 1 && IsReportTo(f, 0) && ((StabilityGossip)f.Message).Delivered[0] == 3);
    }

    [Fact]
    public void A_batch_sends_at_most_one_report_to_each_sender()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 4 }); // a report every message
        for (var i = 1; i <= 4; i++) net.Broadcast(0, i);
        var data = net.InFlight.Where(f => f.To == 1).Select(f => f.Message).ToList();
        net.Drop(f => f.To == 1);

        // One input batch: the driver feeds every message, then drains once.
        foreach (var m in data) net.Members[1].Receive(net.Members[0].Self, m);
        var effects = new List<Effect>();
        net.Members[1].DrainEffects(effects);

        var report = Assert.Single(effects.OfType<Send>(), s => s.Message is StabilityGossip);
        Assert.Equal(4, ((StabilityGossip)report.Message).Delivered[0]);
    }

    [Fact]
    public void A_reader_paced_member_reports_what_its_reader_took_not_what_it_delivered()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 4, PacedByReader = true });
        for (var i = 1; i <= 4; i++) net.Broadcast(0, i);
        foreach (var m in net.Delivered[0].ToList()) net.Do(0, g => g.Consumed(m.Id));
        net.Flush();
        Assert.Equal(4, net.Delivered[1].Count);
        Assert.Equal(0, ReportsSent(net, 1));
        Assert.False(net.Members[0].HasRoom);

        net.Members[1].Consumed(net.Delivered[1][1].Id);
        Assert.True(net.Members[1].HasPendingEffects); // a driver that drains only when something is pending still sends it
        net.Do(1, _ => { });
        net.Flush();

        Assert.Equal(1, ReportsSent(net, 1));
        Assert.True(net.Members[0].HasRoom);
        Assert.True(net.Members[0].Broadcast(5, DeliveryOrder.Causal).Accepted);
        Assert.Equal(3, net.Members[0].Status().UnstableBuffered); // the two taken at member 1 were freed
    }

    [Fact]
    public void HasRoom_says_whether_a_broadcast_would_be_refused_for_back_pressure_and_counts_nothing()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 2 });
        net.Broadcast(0, 1);
        Assert.True(net.Members[0].HasRoom);
        net.Broadcast(0, 2);
        for (var i = 0; i < 3; i++) Assert.False(net.Members[0].HasRoom);
        Assert.Equal(0, net.Members[0].Status().Refused);

        net.Flush(); // the report reaches member 0; its buffer is freed only when it recomputes stability
        Assert.True(net.Members[0].HasRoom);
        net.Broadcast(0, 3);
        net.Broadcast(0, 4);
        Assert.False(net.Members[0].HasRoom);
        Assert.Equal(BroadcastRefusal.BackPressure, net.Members[0].Broadcast(5, DeliveryOrder.Causal).Refusal);
        Assert.Equal(1, net.Members[0].Status().Refused);
    }
}
