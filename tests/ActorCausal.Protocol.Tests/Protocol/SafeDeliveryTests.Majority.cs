using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

// Majority-safe delivery (SafeQuorum.Majority), claim by claim (docs/protocol.md, Majority-safe).
public partial class SafeDeliveryTests
{
    private static GroupMemberSettings Quorum(SafeQuorum quorum, TotalOrderMode mode = TotalOrderMode.ThreeStep) =>
        AckAtOnce with { SafeQuorum = quorum, TotalOrder = mode };

    [Fact]
    public void One_silent_member_stalls_safe_causal_messages_under_all_but_not_under_majority()
    {
        // m2 is slow or cut off: nothing reaches it and nothing of it arrives, and nobody suspects it yet.
        var delivered = new Dictionary<SafeQuorum, int[]>();
        foreach (var quorum in new[] { SafeQuorum.All, SafeQuorum.Majority })
        {
            var net = new ManualNetwork(3, Quorum(quorum));
            net.Blackhole = f => f.To == 2 || f.From == 2;
            for (var k = 0; k < 4; k++) net.Broadcast(k % 2, $"s{k}", DeliveryOrder.SafeCausal);
            Settle(net, 20); // 500 ms of gossip and repairs
            delivered[quorum] = [.. Enumerable.Range(0, 3).Select(i => net.Payloads(i).Count())];
        }
        Assert.Equal(new[] { 0, 0, 0 }, delivered[SafeQuorum.All]);
        Assert.Equal(new[] { 4, 4, 0 }, delivered[SafeQuorum.Majority]);
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void One_member_whose_acknowledgements_are_lost_stalls_safe_total_under_all_but_not_under_majority(TotalOrderMode mode)
    {
        // Total order still needs every member's proposal (ISIS), so a silent member stalls it under either quorum; a
        // member that proposes but whose acknowledgements are slow or lost stalls it only under all.
        var delivered = new Dictionary<SafeQuorum, int[]>();
        foreach (var quorum in new[] { SafeQuorum.All, SafeQuorum.Majority })
        {
            var net = new ManualNetwork(3, Quorum(quorum, mode));
            net.Blackhole = f => f.From == 2 && IsAck(f);
            for (var k = 0; k < 4; k++) net.Broadcast(k % 2, $"s{k}", DeliveryOrder.SafeTotal);
            Settle(net, 20);
            delivered[quorum] = [.. Enumerable.Range(0, 3).Select(i => net.Payloads(i).Count())];
        }
        // Under all only m2 itself delivers: it hears everyone's acknowledgements, nobody hears its own.
        Assert.Equal(new[] { 0, 0, 4 }, delivered[SafeQuorum.All]);
        Assert.Equal(new[] { 4, 4, 4 }, delivered[SafeQuorum.Majority]);
    }

    [Fact]
    public void Majority_safe_a_member_that_was_silent_delivers_the_same_messages_once_it_hears_again()
    {
        var net = new ManualNetwork(3, Quorum(SafeQuorum.Majority));
        net.Blackhole = f => f.To == 2 || f.From == 2;
        for (var k = 0; k < 4; k++) net.Broadcast(k % 2, $"s{k}", DeliveryOrder.SafeCausal);
        Settle(net, 20);
        Assert.Empty(net.Payloads(2));
        net.Blackhole = null;
        Settle(net); // NAKs fetch what m2 lost; its own acknowledgement completes nothing new
        Assert.Equal(4, net.Payloads(2).Count());
        Assert.Equal(net.Payloads(0).Order(), net.Payloads(2).Order());
        Assert.Equal(new object[] { "s0", "s2" }, net.Payloads(2).Where(p => (string)p is "s0" or "s2")); // FIFO per sender
    }

    [Fact]
    public void Majority_safe_is_not_delivered_while_only_a_minority_stores_it()
    {
        var net = new ManualNetwork(5, Quorum(SafeQuorum.Majority));
        net.Broadcast(0, "x", DeliveryOrder.SafeCausal);
        var late = net.InFlight.Where(f => f.To is 2 or 3 or 4 && f.Message is DataMessage).ToList();
        net.InFlight.RemoveAll(late.Contains);
        net.Flush(); // m0 and m1 store it and acknowledge: 2 of 5
        Assert.All(Enumerable.Range(0, 5), i => Assert.Empty(net.Payloads(i)));

        net.Inject(2, 0, late.Single(f => f.To == 2).Message);
        net.Flush(); // m2's acknowledgement makes 3 of 5
        Assert.Equal(new object[] { "x" }, net.Payloads(0));
        Assert.Equal(new object[] { "x" }, net.Payloads(1));
        Assert.Equal(new object[] { "x" }, net.Payloads(2));
        Assert.Empty(net.Payloads(3));
        Assert.Empty(net.Payloads(4));
    }

    [Fact]
    public void Majority_safe_a_crashed_members_delivery_is_delivered_by_every_survivor_even_those_that_never_received_it()
    {
        var net = new ManualNetwork(5, Quorum(SafeQuorum.Majority));
        net.Broadcast(4, "transfer", DeliveryOrder.SafeCausal);
        net.Drop(f => f.Message is DataMessage && f.To is 2 or 3); // m2 and m3 never get it
        ReleaseMatching(net, f => !IsAck(f));
        ReleaseMatching(net, f => IsAck(f) && f.To == 4); // only the sender hears m0's and m1's acknowledgements
        Assert.Equal(new object[] { "transfer" }, net.Payloads(4)); // m0, m1, m4: 3 of 5
        Assert.All(Enumerable.Range(0, 4), i => Assert.Empty(net.Payloads(i)));

        CrashAndSettle(net, 4);
        AssertDeliveredInClosingCut(net, 4, "transfer");
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Majority_safe_total_survivors_that_lacked_the_final_priorities_deliver_in_the_crashed_members_order(TotalOrderMode mode)
    {
        var net = new ManualNetwork(4, Quorum(SafeQuorum.Majority, mode));
        net.Broadcast(1, "a", DeliveryOrder.SafeTotal);
        net.Broadcast(2, "b", DeliveryOrder.SafeTotal);
        net.Broadcast(0, "c", DeliveryOrder.Total);
        // m2 never learns a final priority, so it stores neither safe message; m0, m1 and m3 do: 3 of 4.
        Func<ManualNetwork.Flight, bool> withheld = mode == TotalOrderMode.ThreeStep
            ? f => f.To == 2 && f.Message is FinalPriority
            : f => f.To == 2 && f.Message is Proposal or ProposalBatch;
        ReleaseMatching(net, f => !IsAck(f) && !withheld(f));
        ReleaseMatching(net, f => IsAck(f) && f.To == 3 && f.From != 2);
        var crashedOrder = net.Payloads(3).Where(p => (string)p is "a" or "b").ToList();
        Assert.Equal(2, crashedOrder.Count);
        Assert.DoesNotContain(net.Payloads(2), p => (string)p is "a" or "b");

        CrashAndSettle(net, 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(2, net.EventsOf<ViewInstalled>(i).Last().View.Id);
            Assert.Equal(crashedOrder, net.Payloads(i).Where(p => (string)p is "a" or "b"));
        }
    }
}
