using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Views, flush, joins, leaves and downing, driven by hand.</summary>
public class ViewChangeTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    private static void Settle(ManualNetwork net, int rounds = 40)
    {
        for (var i = 0; i < rounds; i++) net.TickAll(25);
    }

    private static ViewInstalled LastView(ManualNetwork net, int member) => net.EventsOf<ViewInstalled>(member).Last();

    [Fact]
    public void A_suspicion_alone_changes_no_view_and_is_reported()
    {
        var net = new ManualNetwork(3);
        net.Do(0, m => m.Suspected(net.Members[2].Self));
        Settle(net, 4);
        Assert.Equal(MemberState.Suspected, net.Members[0].StateOf(net.Members[2].Self));
        Assert.Equal(MemberState.Suspected, net.Members[0].Status().Members[net.Members[2].Self]);
        Assert.Equal(MemberState.Active, net.Members[0].Status().Members[net.Members[1].Self]);
        Assert.Single(net.EventsOf<PeerSuspected>(0));
        Assert.Empty(net.EventsOf<ViewInstalled>(0));
        net.Do(0, m => m.Reachable(net.Members[2].Self));
        Assert.Equal(MemberState.Active, net.Members[0].StateOf(net.Members[2].Self));
        Assert.Single(net.EventsOf<PeerReachable>(0));
    }

    [Fact]
    public void Flush_survivors_of_a_sender_crash_with_partial_receipt_all_deliver_its_message()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(2, "last words");
        net.Release(Data(0, "last words")); // m0 has it, m1 does not
        net.Crash(2);
        Assert.Equal(new object[] { "last words" }, net.Payloads(0));
        Assert.Empty(net.Payloads(1));

        net.DoAll(m => m.Removed(net.Members[2].Self));
        Settle(net);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(1, net.Members[i].Status().ViewChanges);
            Assert.Equal(MemberPhase.Normal, net.Members[i].Status().Phase);
            Assert.Equal(new object[] { "last words" }, net.Payloads(i));
            var view = LastView(net, i);
            Assert.Equal(2, view.View.Id);
            Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, view.View.Members);
            Assert.Equal(new[] { net.Members[2].Self }, view.Left);
        }
    }

    [Fact]
    public void Flush_a_message_of_a_crashed_sender_that_no_survivor_holds_is_delivered_by_none()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(2, "lost");
        net.Crash(2);
        net.InFlight.Clear();
        net.DoAll(m => m.Removed(net.Members[2].Self));
        Settle(net);
        Assert.Empty(net.Payloads(0));
        Assert.Empty(net.Payloads(1));
        Assert.Equal(2, LastView(net, 0).View.Id);
    }

    [Fact]
    public void Flush_broadcasts_during_the_flush_are_held_and_sent_in_the_new_view()
    {
        var net = new ManualNetwork(3);
        net.Crash(2);
        net.DoAll(m => m.Removed(net.Members[2].Self));
        Assert.Equal(MemberPhase.Flushing, net.Members[0].Phase);
        var held = net.Members[0].Broadcast("during", DeliveryOrder.Causal);
        Assert.True(held.IsHeld);
        Assert.Equal(1, net.Members[0].Status().HeldBroadcasts);
        Assert.Equal(MemberState.Failed, net.Members[0].Status().Members[net.Members[2].Self]);
        Settle(net);
        var sent = Assert.Single(net.EventsOf<HeldBroadcastSent>(0));
        Assert.Equal(held.Ticket, sent.Ticket);
        var ownDelivery = net.Events[0].FindIndex(e => e is Deliver d && d.Message.Id == sent.Id);
        Assert.True(net.Events[0].IndexOf(sent) < ownDelivery, "the id must be told before the sender delivers the message");
        Assert.Equal(2, sent.Id.ViewId);
        Assert.Equal(new object[] { "during" }, net.Payloads(1));
        Assert.Equal(2, net.Delivered[1].Single().ViewId);
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Flush_undecided_total_order_messages_are_delivered_in_one_order_by_every_survivor(TotalOrderMode mode)
    {
        var net = new ManualNetwork(4, new GroupMemberSettings { TotalOrder = mode });
        net.Broadcast(3, "x", DeliveryOrder.Total);
        net.Broadcast(1, "y", DeliveryOrder.Total);
        net.Broadcast(0, "z", DeliveryOrder.Total);
        net.Flush(9); // the data of all three gets around, no agreement yet
        net.Crash(3);
        net.DoAll(m => m.Removed(net.Members[3].Self));
        Settle(net);
        var first = net.Payloads(0).ToList();
        Assert.Equal(3, first.Count);
        Assert.Equal(first, net.Payloads(1));
        Assert.Equal(first, net.Payloads(2));
    }

    [Fact]
    public void Flush_the_coordinator_crashing_mid_flush_is_replaced_by_the_next_oldest()
    {
        var net = new ManualNetwork(4);
        net.Broadcast(3, "m3");
        net.Release(Data(1, "m3"));
        net.Crash(3);
        net.DoAll(m => m.Removed(net.Members[3].Self));
        net.Flush(3); // m0's flush requests go out and are answered in part
        net.Crash(0);
        net.DoAll(m => m.Removed(net.Members[0].Self));
        Settle(net);
        for (var i = 1; i <= 2; i++)
        {
            Assert.Equal(new object[] { "m3" }, net.Payloads(i));
            Assert.Equal(new[] { net.Members[1].Self, net.Members[2].Self }, LastView(net, i).View.Members);
        }
        Assert.Equal(LastView(net, 1).View.Id, LastView(net, 2).View.Id);
    }

    [Fact]
    public void Join_the_joiner_loads_the_state_at_the_view_boundary_then_delivers_from_the_new_view_on()
    {
        var net = new ManualNetwork(2);
        net.Broadcast(0, "before-1");
        net.Broadcast(1, "before-2");
        net.Flush();
        var joiner = net.AddJoiner("m2");
        Assert.Equal(BroadcastRefusal.NotAMember, net.Members[joiner].Broadcast("too early", DeliveryOrder.Fifo).Refusal);
        net.DoAll(m => m.JoinRequested(net.Members[joiner].Self));
        Settle(net);

        Assert.Equal(MemberPhase.Normal, net.Members[joiner].Phase);
        Assert.Equal(new[] { "before-1", "before-2" }, net.State(joiner));
        var view = LastView(net, joiner);
        Assert.Equal(new[] { net.Members[joiner].Self }, view.Joined);
        Assert.Equal(view.View, LastView(net, 0).View);

        net.Broadcast(joiner, "hello");
        net.Broadcast(0, "welcome");
        Settle(net, 4);
        var state = net.State(joiner);
        Assert.Equal(new[] { "before-1", "before-2" }, state.Take(2));
        Assert.Equal(new[] { "hello", "welcome" }, state.Skip(2).Order());
        Assert.Equal(new object[] { "hello", "welcome" }, net.Payloads(joiner).Order()); // nothing of view 1 is delivered to it
        Assert.Contains("hello", net.State(0));
    }

    [Fact]
    public void Leave_a_member_that_leaves_has_its_messages_delivered_then_stops()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(2, "bye");
        net.Do(2, m => m.Leave());
        Settle(net);
        Assert.Equal(StopReason.Left, net.EventsOf<Stopped>(2).Single().Reason);
        Assert.Equal(MemberPhase.Stopped, net.Members[2].Phase);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(new object[] { "bye" }, net.Payloads(i));
            Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, LastView(net, i).View.Members);
        }
        Assert.Equal(BroadcastRefusal.Stopped, net.Members[2].Broadcast("more", DeliveryOrder.Fifo).Refusal);
    }

    [Fact]
    public void Partition_the_downed_side_stops_and_the_other_side_goes_on_in_a_new_view()
    {
        var net = new ManualNetwork(3);
        net.Blackhole = f => (f.From == 2) != (f.To == 2);
        net.Do(2, m => m.DownedSelf());
        net.Do(0, m => m.Removed(net.Members[2].Self));
        net.Do(1, m => m.Removed(net.Members[2].Self));
        Settle(net);
        Assert.Equal(StopReason.Downed, net.EventsOf<Stopped>(2).Single().Reason);
        net.Blackhole = null; // heal
        net.Broadcast(0, "after");
        Settle(net, 4);
        Assert.Equal(new object[] { "after" }, net.Payloads(1));
        Assert.Empty(net.Payloads(2));
        Assert.Equal(MemberPhase.Stopped, net.Members[2].Phase);
    }

    [Fact]
    public void Restart_a_new_incarnation_at_the_same_address_joins_as_a_new_member()
    {
        var net = new ManualNetwork(3);
        net.Crash(2);
        var reborn = net.AddJoiner("m2", incarnation: 2);
        net.DoAll(m => m.JoinRequested(net.Members[reborn].Self));
        Settle(net, 8);
        // The new incarnation alone removes nothing: the old one waits for Akka's removal (a member that left and joins
        // again on the same node may still be finishing its leave).
        Assert.Empty(net.EventsOf<ViewInstalled>(0));
        net.DoAll(m => m.Removed(new MemberId("m2", 1)));
        Settle(net);
        var view = LastView(net, 0).View;
        Assert.Contains(new MemberId("m2", 2), view.Members);
        Assert.DoesNotContain(new MemberId("m2", 1), view.Members);
        Assert.Equal(view, LastView(net, reborn).View);
    }

    [Fact]
    public void Flush_a_survivor_that_missed_the_commit_gets_it_from_a_member_of_the_new_view()
    {
        var net = new ManualNetwork(3);
        net.Crash(2);
        net.Blackhole = f => f.To == 1 && f.Message is FlushCommit;
        net.DoAll(m => m.Removed(net.Members[2].Self));
        Settle(net, 4);
        Assert.Equal(2, net.Members[0].View.Id);
        Assert.Equal(MemberPhase.Flushing, net.Members[1].Phase);

        net.Blackhole = null;
        Settle(net);
        Assert.Equal(MemberPhase.Normal, net.Members[1].Phase);
        Assert.Equal(LastView(net, 0).View, LastView(net, 1).View);
    }

    [Fact]
    public void Flush_a_coordinator_that_left_still_answers_for_the_view_it_closed()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "from the leaver");
        net.Blackhole = f => f.Message is FlushCommit;
        net.Do(0, m => m.Leave());
        Settle(net, 4);
        Assert.Equal(StopReason.Left, net.EventsOf<Stopped>(0).Single().Reason);
        Assert.All(new[] { 1, 2 }, i => Assert.Equal(MemberPhase.Flushing, net.Members[i].Phase));

        net.Blackhole = null;
        Settle(net);
        for (var i = 1; i <= 2; i++)
        {
            Assert.Equal(new object[] { "from the leaver" }, net.Payloads(i));
            Assert.Equal(new[] { net.Members[1].Self, net.Members[2].Self }, LastView(net, i).View.Members);
        }
    }

    [Fact]
    public void Flush_a_causal_message_whose_past_was_lost_with_removed_members_is_still_delivered()
    {
        // X (m0) reaches only m1; m1 sends Y (FIFO) that m2 delivers without X; m2's causal C now follows X.
        // m0 and m1 are removed and nobody left holds X: it is gone, so C must not wait for it forever.
        var net = new ManualNetwork(4);
        net.Broadcast(0, "X");
        net.Release(Data(1, "X"));
        net.Drop(f => f.Message is DataMessage { Payload: "X" });
        net.Broadcast(1, "Y", DeliveryOrder.Fifo);
        net.Release(Data(2, "Y"));
        net.Drop(f => f.Message is DataMessage { Payload: "Y" });
        net.Broadcast(2, "C");
        Assert.Equal(new object[] { "Y" }, net.Payloads(2));
        net.Crash(0);
        net.Crash(1);
        net.DoAll(m => m.Removed(net.Members[0].Self));
        net.DoAll(m => m.Removed(net.Members[1].Self));
        Settle(net);
        Assert.Equal(new object[] { "Y", "C" }, net.Payloads(2));
        Assert.Equal(new object[] { "Y", "C" }, net.Payloads(3));
        Assert.Equal(new[] { net.Members[2].Self, net.Members[3].Self }, LastView(net, 3).View.Members);
    }

    [Fact]
    public void Leave_when_every_member_leaves_the_group_ends_after_each_delivered_everything()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(2, "last", DeliveryOrder.Total);
        net.DoAll(m => m.Leave());
        Settle(net);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(new object[] { "last" }, net.Payloads(i));
            Assert.Equal(StopReason.Left, net.EventsOf<Stopped>(i).Single().Reason);
        }
    }
}
