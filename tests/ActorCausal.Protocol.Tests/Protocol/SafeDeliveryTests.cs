using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Safe (uniform) delivery, claim by claim (docs/protocol.md, Safe delivery).</summary>
public partial class SafeDeliveryTests
{
    /// <summary>
    /// These tests drive the network by hand, one input at a time, and follow each acknowledgement: a member acknowledges
    /// at the end of the input that made it store a safe message (safe-ack-delay 0). The delayed acknowledgement, the
    /// default, has its own test below.
    /// </summary>
    private static readonly GroupMemberSettings AckAtOnce = new() { SafeAckDelayMs = 0 };

    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    private static bool IsAck(ManualNetwork.Flight f) => f.Message is StabilityGossip { Held: not null };

    private static void Settle(ManualNetwork net, int rounds = 40)
    {
        for (var i = 0; i < rounds; i++) net.TickAll(25);
    }

    /// <summary>Releases every in-flight message that is not a safe acknowledgement, until none is left.</summary>
    private static void ReleaseAllButAcks(ManualNetwork net) => ReleaseMatching(net, f => !IsAck(f));

    /// <summary>Releases in-flight messages matching <paramref name="match"/> (and those they cause) until none is left.</summary>
    private static void ReleaseMatching(ManualNetwork net, Func<ManualNetwork.Flight, bool> match)
    {
        while (net.InFlight.FindIndex(f => match(f)) is var i and >= 0)
        {
            var flight = net.InFlight[i];
            net.InFlight.RemoveAt(i);
            if (!net.Crashed.Contains(flight.To)) net.Inject(flight.To, flight.From, flight.Message);
        }
    }

    /// <summary><paramref name="member"/> crashes with everything in flight, the others remove it and run the flush.</summary>
    private static void CrashAndSettle(ManualNetwork net, int member)
    {
        net.Crash(member);
        net.InFlight.Clear();
        net.DoAll(m => m.Removed(net.Members[member].Self));
        Settle(net);
    }

    /// <summary>Members 0 to <paramref name="survivors"/> - 1 installed view 2 and delivered exactly <paramref name="payload"/>, in the closing cut of view 1.</summary>
    private static void AssertDeliveredInClosingCut(ManualNetwork net, int survivors, object payload)
    {
        for (var i = 0; i < survivors; i++)
        {
            Assert.Equal(2, net.EventsOf<ViewInstalled>(i).Last().View.Id);
            Assert.Equal(new[] { payload }, net.Payloads(i));
            Assert.Equal(1, net.Delivered[i][0].ViewId);
        }
    }

    /// <summary>Three members; m0's safe causal <paramref name="payload"/> reaches m1 but not m2.</summary>
    private static ManualNetwork SafeFromM0LostToM2(object payload)
    {
        var net = new ManualNetwork(3, AckAtOnce);
        net.Broadcast(0, payload, DeliveryOrder.SafeCausal);
        net.Drop(Data(2, payload));
        net.Flush();
        return net;
    }

    [Fact]
    public void Safe_causal_is_delivered_nowhere_until_every_member_holds_it_not_even_at_its_sender()
    {
        var net = new ManualNetwork(3, AckAtOnce);
        var id = net.Broadcast(0, "pay", DeliveryOrder.SafeCausal);
        Assert.Empty(net.Payloads(0)); // a causal message would be delivered at its sender at once

        var toTwo = net.InFlight.Single(Data(2, "pay"));
        net.InFlight.Remove(toTwo);
        net.Flush(); // m1 has it and says so; m2 has not
        Assert.Empty(net.Payloads(0));
        Assert.Empty(net.Payloads(1));

        net.Inject(2, 0, toTwo.Message);
        ReleaseAllButAcks(net);
        // m2, the last to hold it, knows at once that everyone does; m0 and m1 wait for its acknowledgement.
        Assert.Equal(new object[] { "pay" }, net.Payloads(2));
        Assert.Empty(net.Payloads(0));
        Assert.Empty(net.Payloads(1));

        net.Flush(); // the acknowledgements
        for (var i = 0; i < 3; i++)
        {
            var m = Assert.Single(net.Delivered[i]);
            Assert.Equal(id, m.Id);
            Assert.True(m.Safe);
            Assert.Equal(DeliveryOrder.Causal, m.Order);
            Assert.Equal(DeliveryOrder.SafeCausal, m.RequestedOrder);
            Assert.Equal(1, net.Members[i].Status().SafeDelivered);
        }
    }

    [Fact]
    public void Safe_causal_keeps_causal_order_and_does_not_hold_back_unsafe_messages_of_other_senders()
    {
        var net = new ManualNetwork(3, AckAtOnce);
        net.Broadcast(0, "safe", DeliveryOrder.SafeCausal);
        net.Broadcast(1, "plain", DeliveryOrder.Causal);
        net.Flush(1); // one message only: the safe data to m1
        Assert.Contains("plain", net.Payloads(1));
        Assert.DoesNotContain("safe", net.Payloads(1));
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "plain", "safe" }.Order(), net.Payloads(i).Order());
        // A causal reply to the safe message waits for it everywhere.
        net.Broadcast(2, "reply", DeliveryOrder.Causal);
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal("reply", net.Payloads(i).Last());
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Safe_total_is_delivered_only_once_every_member_knows_its_final_priority(TotalOrderMode mode)
    {
        var net = new ManualNetwork(3, AckAtOnce with { TotalOrder = mode });
        net.Broadcast(0, "T", DeliveryOrder.SafeTotal);
        // Everything but the final priority to m2 (three-step) or m2's incoming proposals (two-step), and no acknowledgement.
        Func<ManualNetwork.Flight, bool> withheld = mode == TotalOrderMode.ThreeStep
            ? f => f.To == 2 && f.Message is FinalPriority
            : f => f.To == 2 && f.Message is Proposal or ProposalBatch;
        ReleaseMatching(net, f => !IsAck(f) && !withheld(f));
        for (var i = 0; i < 3; i++) Assert.Empty(net.Payloads(i));
        net.Flush(); // m2 learns the final, everyone acknowledges
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T" }, net.Payloads(i));
        Assert.True(net.Delivered[0][0].Safe);
        Assert.Equal(DeliveryOrder.Total, net.Delivered[0][0].Order);
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Safe_total_and_total_messages_are_delivered_in_one_order_everywhere(TotalOrderMode mode)
    {
        var net = new ManualNetwork(4, AckAtOnce with { TotalOrder = mode });
        for (var i = 0; i < 4; i++)
        {
            net.Broadcast(i, $"s{i}", DeliveryOrder.SafeTotal);
            net.Broadcast(i, $"t{i}", DeliveryOrder.Total);
        }
        // Released newest first, so that arrival orders differ.
        while (net.InFlight.Count > 0)
        {
            var flight = net.InFlight[^1];
            net.InFlight.RemoveAt(net.InFlight.Count - 1);
            net.Inject(flight.To, flight.From, flight.Message);
        }
        var first = net.Payloads(0).ToList();
        Assert.Equal(8, first.Count);
        for (var i = 1; i < 4; i++) Assert.Equal(first, net.Payloads(i));
    }

    [Fact]
    public void Safe_a_lost_acknowledgement_is_repeated_with_the_stability_gossip()
    {
        var net = new ManualNetwork(3, AckAtOnce);
        net.Broadcast(1, "x", DeliveryOrder.SafeCausal);
        net.Blackhole = IsAck;
        net.Flush();
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(net.Payloads(i)));
        net.Blackhole = null;
        Settle(net, 4); // 100 ms: past the 50 ms stability interval
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "x" }, net.Payloads(i));
    }

    [Fact]
    public void Safe_a_lost_last_safe_message_is_revealed_by_the_held_vectors_and_fetched_by_nak()
    {
        // Nobody delivers a safe message before m2 holds it, so no delivered vector and no later clock names it:
        // only the held vectors of its holders tell m2 that it exists.
        var net = SafeFromM0LostToM2("last");
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(net.Payloads(i)));
        Settle(net, 8); // 200 ms: a stability interval, the NAK delay and the acknowledgements
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "last" }, net.Payloads(i));
        Assert.Equal(1, net.Members[2].Status().NaksSent);
    }

    [Fact]
    public void Safe_a_missing_safe_message_is_fetched_from_a_member_that_holds_it_when_the_sender_does_not_answer()
    {
        // No member has delivered the message, so the NAK cannot go to a member whose delivered vector shows it; it goes
        // to one whose held vector does.
        var net = SafeFromM0LostToM2("x");
        net.Blackhole = f => f.From == 0 && f.To == 2 && f.Message is DataMessage; // the sender does not answer m2's NAKs
        for (var i = 0; i < 60 && !net.Payloads(2).Any(); i++) net.TickAll(20);
        Assert.Equal(new object[] { "x" }, net.Payloads(2));
        Assert.True(net.Members[1].Status().Retransmitted >= 1);
    }

    [Fact]
    public void Safe_held_vectors_are_repeated_only_until_every_safe_message_is_stable_then_gossip_falls_to_the_idle_rate()
    {
        var net = new ManualNetwork(3, AckAtOnce);
        net.Broadcast(1, "x", DeliveryOrder.SafeCausal);
        net.Blackhole = IsAck;
        net.Flush();
        net.Blackhole = null;
        Settle(net, 8); // the repeated held vectors deliver it, then the delivered vectors make it stable
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "x" }, net.Payloads(i));
        Assert.All(net.Members, m => Assert.Equal(0, m.Status().UnstableBuffered));

        var gossip = 0;
        for (var t = 0; t < 40; t++) // 2 s
        {
            net.TickAll(50, flush: false);
            Assert.DoesNotContain(net.InFlight, IsAck);
            gossip += net.Drop(f => f.Message is StabilityGossip);
            Assert.Empty(net.InFlight);
        }
        var idle = net.Members[0].Settings.IdleGossipIntervalMs;
        Assert.InRange(gossip, 1, 3 * 2 * (2_000 / idle + 1)); // 3 members to 2 peers each, once per idle interval
    }

    [Fact]
    public void Safe_ack_delay_batches_acknowledgements_until_a_tick_after_the_delay()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { SafeAckDelayMs = 30 });
        for (var k = 0; k < 5; k++) net.Broadcast(0, k, DeliveryOrder.SafeCausal);
        net.Flush();
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(net.Payloads(i)));
        net.TickAll(10);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Empty(net.Payloads(i)));
        net.TickAll(25);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Enumerable.Range(0, 5).Cast<object>(), net.Payloads(i));
            Assert.Equal(1, net.Members[i].Status().SafeAcksSent); // one acknowledgement for five messages
        }
    }

    [Fact]
    public void Safe_flush_a_message_that_a_crashed_member_delivered_is_delivered_by_every_survivor()
    {
        var net = new ManualNetwork(3, AckAtOnce);
        net.Broadcast(2, "transfer", DeliveryOrder.SafeCausal);
        ReleaseAllButAcks(net);
        // Only m2 hears the acknowledgements: it delivers, the others hold the message and wait.
        ReleaseMatching(net, f => IsAck(f) && f.To == 2);
        Assert.Equal(new object[] { "transfer" }, net.Payloads(2));
        Assert.Empty(net.Payloads(0));
        Assert.Empty(net.Payloads(1));

        CrashAndSettle(net, 2); // the acknowledgements to m0 and m1 are lost with it
        AssertDeliveredInClosingCut(net, 2, "transfer");
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Safe_total_flush_survivors_deliver_what_a_crashed_member_delivered_in_its_order(TotalOrderMode mode)
    {
        var net = new ManualNetwork(4, AckAtOnce with { TotalOrder = mode });
        net.Broadcast(1, "a", DeliveryOrder.SafeTotal);
        net.Broadcast(2, "b", DeliveryOrder.SafeTotal);
        net.Broadcast(3, "c", DeliveryOrder.Total);
        ReleaseAllButAcks(net);
        ReleaseMatching(net, f => IsAck(f) && f.To == 3);
        var crashedOrder = net.Payloads(3).Where(p => (string)p is "a" or "b").ToList();
        Assert.Equal(2, crashedOrder.Count);
        for (var i = 0; i < 3; i++) Assert.DoesNotContain(net.Payloads(i), p => (string)p is "a" or "b");

        CrashAndSettle(net, 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2, net.EventsOf<ViewInstalled>(i).Last().View.Id);
            Assert.Equal(crashedOrder, net.Payloads(i).Where(p => (string)p is "a" or "b"));
        }
    }

    [Fact]
    public void Safe_a_member_that_reported_to_a_flush_acknowledges_nothing_more()
    {
        var net = new ManualNetwork(4, AckAtOnce);
        var id = net.Broadcast(2, "late", DeliveryOrder.SafeCausal);
        var toOne = net.InFlight.Single(Data(1, "late"));
        net.InFlight.Remove(toOne);
        net.Drop(_ => true);
        net.Crash(3);
        net.DoAll(m => m.Removed(net.Members[3].Self)); // m0 asks for reports
        net.Release(f => f.To == 1 && f.Message is FlushRequest); // m1 reports: it holds nothing of m2
        var acksBefore = net.Members[1].Status().SafeAcksSent;
        net.Inject(1, 2, toOne.Message); // m1 receives the safe message after reporting
        Assert.Equal(acksBefore, net.Members[1].Status().SafeAcksSent);
        Assert.DoesNotContain(net.InFlight, f => f.From == 1 && IsAck(f));
        net.Do(1, m => m.Tick(net.Now + 1_000)); // nor with the gossip
        Assert.DoesNotContain(net.InFlight, f => f.From == 1 && IsAck(f));
        Assert.DoesNotContain(net.Delivered[2], m => m.Id == id); // so m2 cannot have delivered it
    }

    [Fact]
    public void Safe_only_causal_and_total_messages_can_be_safe_on_the_wire()
    {
        var net = new ManualNetwork(2, AckAtOnce);
        var clock = VectorClock.Wrap([0, 1]);
        var acks = VectorClock.Wrap([0, 0]);
        var fifo = new DataMessage(1, 1, 1, DeliveryOrder.Fifo, clock, acks, default, [], "x") { Safe = true };
        Assert.Equal(RejectReason.Malformed, net.Inject(0, 1, fifo).Reason);
        var wireSafe = new DataMessage(1, 1, 1, DeliveryOrder.SafeCausal, clock, acks, default, [], "x");
        Assert.Equal(RejectReason.Malformed, net.Inject(0, 1, wireSafe).Reason);
        var wrongDimension = new StabilityGossip(1, acks) { Held = VectorClock.Wrap([0, 0, 0]) };
        Assert.Equal(RejectReason.WrongClockDimension, net.Inject(0, 1, wrongDimension).Reason);
        var claimsUnsent = new StabilityGossip(1, acks) { Held = VectorClock.Wrap([5, 0]) };
        Assert.Equal(RejectReason.Malformed, net.Inject(0, 1, claimsUnsent).Reason);
        Assert.Empty(net.Payloads(0));
    }

    [Fact]
    public void Safe_orders_map_to_their_base_orders_and_back()
    {
        Assert.Equal(DeliveryOrder.Causal, DeliveryOrder.SafeCausal.BaseOrder());
        Assert.Equal(DeliveryOrder.Total, DeliveryOrder.SafeTotal.BaseOrder());
        Assert.Equal(DeliveryOrder.Explicit, DeliveryOrder.Explicit.BaseOrder());
        Assert.Equal(DeliveryOrder.SafeTotal, DeliveryOrder.Total.WithSafe(true));
        Assert.Equal(DeliveryOrder.Fifo, DeliveryOrder.Fifo.WithSafe(true));
        Assert.True(DeliveryOrder.SafeCausal.IsSafe());
        Assert.False(DeliveryOrder.Total.IsSafe());
    }
}
