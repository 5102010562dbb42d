using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Symmetric total order (<see cref="TotalOrderMode.Symmetric"/>): the sender's clock and rank place a message; every member's stream must pass it.</summary>
public class SymmetricTotalOrderTests
{
    private static ManualNetwork Network(int members) => new(members, new GroupMemberSettings { TotalOrder = TotalOrderMode.Symmetric });

    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    [Fact]
    public void Equal_clocks_order_by_rank_whatever_order_the_messages_arrive_in_and_no_agreement_message_is_sent()
    {
        var net = Network(3);
        // Both sent at time 0 before hearing anything: equal clock readings, so the lower rank (m0) comes first.
        net.Broadcast(2, "T2", DeliveryOrder.Total);
        net.Broadcast(0, "T0", DeliveryOrder.Total);
        net.Release(Data(1, "T2"));
        net.Release(Data(0, "T2"));
        net.Release(Data(2, "T0"));
        net.Release(Data(1, "T0"));
        net.Flush();

        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T0", "T2" }, net.Payloads(i));
        Assert.DoesNotContain(net.Events.SelectMany(e => e).OfType<SendToAll>(), s => s.Message is Proposal or ProposalBatch or FinalPriority);
    }

    [Fact]
    public void A_message_waits_until_every_member_passed_its_clock_and_an_idle_members_heartbeat_releases_it()
    {
        var net = Network(3);
        net.Broadcast(0, "T", DeliveryOrder.Total);
        net.Release(Data(1, "T"));
        net.Release(Data(2, "T"));

        // m1 and m2 sent nothing after T: nobody knows their later messages sort after it, so nobody delivers yet.
        for (var i = 0; i < 3; i++) Assert.Empty(net.Delivered[i]);
        Assert.Equal(4, net.InFlight.Count(f => f.Message is ClockHeartbeat)); // one heartbeat from each to the two others

        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T" }, net.Payloads(i));
    }

    [Fact]
    public void A_later_broadcast_of_an_idle_member_passes_the_clock_as_a_heartbeat_would()
    {
        var net = Network(3);
        net.Broadcast(0, "T", DeliveryOrder.Total);
        net.Release(Data(1, "T"));
        net.Drop(f => f.Message is ClockHeartbeat);
        net.Broadcast(1, "C", DeliveryOrder.Causal); // sent after m1 received T: stamped after it
        net.Release(Data(0, "C"));
        Assert.Equal(new object[] { "C" }, net.Payloads(0)); // m2 has not passed T yet
        net.Release(Data(2, "T"));
        net.Release(f => f.From == 2 && f.To == 0 && f.Message is ClockHeartbeat);
        Assert.Equal(new object[] { "C", "T" }, net.Payloads(0)); // m1's heartbeat was lost: its broadcast C passed T for it
    }

    [Fact]
    public void A_lost_heartbeat_is_sent_again_on_the_timer_to_the_member_that_has_not_delivered()
    {
        var net = Network(3);
        net.Broadcast(0, "T", DeliveryOrder.Total);
        net.Release(Data(1, "T"));
        net.Release(Data(2, "T"));
        net.Drop(f => f.From == 1 && f.To == 0 && f.Message is ClockHeartbeat);
        net.Flush();
        Assert.Empty(net.Delivered[0]);

        for (var round = 0; round < 20 && net.Delivered[0].Count == 0; round++) net.TickAll(50);
        Assert.Equal(new object[] { "T" }, net.Payloads(0));
    }

    [Fact]
    public void A_total_order_message_sent_after_delivering_another_sorts_after_it_everywhere()
    {
        var net = Network(3);
        net.Broadcast(2, "first", DeliveryOrder.Total);
        net.Flush();
        Assert.Equal(new object[] { "first" }, net.Payloads(0));
        // m0 has delivered "first"; m1 broadcasts at the same clock reading as m0 would, but m0's reply is in its causal future.
        net.Broadcast(0, "reply", DeliveryOrder.Total);
        net.Broadcast(1, "other", DeliveryOrder.Total);
        net.Flush();
        var orders = Enumerable.Range(0, 3).Select(i => string.Join(",", net.Payloads(i).Skip(1))).Distinct().ToList();
        Assert.Single(orders);
        for (var i = 0; i < 3; i++) Assert.Equal("first", net.Payloads(i).First());
    }

    [Fact]
    public void A_heartbeat_in_a_group_of_another_total_order_mode_or_with_a_negative_sequence_is_refused()
    {
        var isis = new ManualNetwork(2, new GroupMemberSettings { TotalOrder = TotalOrderMode.ThreeStep });
        var refused = isis.Inject(0, 1, new ClockHeartbeat(1, 0, new HlcTimestamp(5, 0)));
        Assert.Equal(RejectReason.Malformed, refused.Reason);

        var net = Network(2);
        Assert.Equal(RejectReason.Malformed, net.Inject(0, 1, new ClockHeartbeat(1, -1, new HlcTimestamp(5, 0))).Reason);
        Assert.Equal(RejectReason.Malformed, net.Inject(0, 1, new ClockHeartbeat(1, 0, new HlcTimestamp(-5, 0))).Reason);
        Assert.Equal(ReceiveStatus.Accepted, net.Inject(0, 1, new ClockHeartbeat(1, 0, new HlcTimestamp(5, 0))).Status);
    }

    [Theory]
    [InlineData(10, 0, 10, 1)]
    [InlineData(10, (1 << 21) - 1, 11, 0)]
    [InlineData(0, 1, 1_765_000_000_000, 0)]
    public void Packing_a_clock_into_a_priority_keeps_the_clocks_order(long wallA, int logicalA, long wallB, int logicalB)
    {
        var a = Stamped(new HlcTimestamp(wallA, logicalA), sender: 3);
        var b = Stamped(new HlcTimestamp(wallB, logicalB), sender: 0);
        Assert.True(SymmetricPriority.Of(a) < SymmetricPriority.Of(b));
        Assert.True(SymmetricPriority.Of(a).Number >= 1);
    }

    [Fact]
    public void Equal_clocks_pack_to_one_number_and_the_rank_breaks_the_tie()
    {
        var time = new HlcTimestamp(42, 7);
        Assert.True(SymmetricPriority.Of(Stamped(time, 1)) < SymmetricPriority.Of(Stamped(time, 2)));
        Assert.False(SymmetricPriority.Representable(new HlcTimestamp(42, 1 << 21)));
    }

    private static DataMessage Stamped(HlcTimestamp time, int sender) =>
        new(1, sender, 1, DeliveryOrder.Total, VectorClock.Zero(4), VectorClock.Zero(4), time, [], "x");
}
