using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// The membership inputs as Akka's split-brain resolver produces them: MemberDowned of peers (one at a time, before the
/// deciding node's own), MemberRemoved, and a member that sees a majority of its view unreachable.
/// </summary>
public class MembershipInputTests
{
    private static void Settle(ManualNetwork net, int rounds = 40)
    {
        for (var i = 0; i < rounds; i++) net.TickAll(25);
    }

    [Fact]
    public void Peers_downed_first_and_then_this_member_install_no_view_and_deliver_nothing_more()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "before");
        Settle(net);
        // DownAll at m0: m1, m2 downed one at a time, then m0 itself.
        net.Do(0, m => m.Downed(net.Members[1].Self));
        net.Do(0, m => m.Downed(net.Members[2].Self));
        Settle(net, 4);
        Assert.Empty(net.EventsOf<ViewInstalled>(0));
        Assert.Equal(MemberPhase.Normal, net.Members[0].Phase);
        net.Do(0, m => m.Downed(net.Members[0].Self));
        Assert.Equal(MemberPhase.Stopped, net.Members[0].Phase);
        Assert.Equal(StopReason.Downed, net.EventsOf<Stopped>(0).Single().Reason);
        // The shutdown's MemberRemoved of everyone changes nothing.
        net.Do(0, m => m.Removed(net.Members[1].Self));
        net.Do(0, m => m.Removed(net.Members[2].Self));
        Settle(net, 4);
        Assert.Empty(net.EventsOf<ViewInstalled>(0));
    }

    [Fact]
    public void A_downed_peer_is_only_suspected_until_it_is_removed_then_the_view_changes()
    {
        var net = new ManualNetwork(3);
        net.Do(0, m => m.Downed(net.Members[2].Self));
        net.Do(1, m => m.Downed(net.Members[2].Self));
        Settle(net, 8);
        Assert.Empty(net.EventsOf<ViewInstalled>(0));
        Assert.Equal(MemberState.Suspected, net.Members[0].StateOf(net.Members[2].Self));
        net.Crashed.Add(2);
        net.Do(0, m => m.Removed(net.Members[2].Self));
        net.Do(1, m => m.Removed(net.Members[2].Self));
        Settle(net);
        Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, net.EventsOf<ViewInstalled>(0).Single().View.Members.ToArray());
        // A downed member never comes back as a joiner.
        net.Do(0, m => m.JoinRequested(net.Members[2].Self));
        Settle(net, 8);
        Assert.Single(net.EventsOf<ViewInstalled>(0));
    }

    [Fact]
    public void A_member_that_sees_a_majority_of_its_view_unreachable_delivers_nothing_until_reachability_returns()
    {
        var net = new ManualNetwork(3);
        net.Do(0, m => m.Suspected(net.Members[1].Self));
        net.Broadcast(0, "one suspected", DeliveryOrder.Fifo);
        Assert.Single(net.Delivered[0]);

        net.Do(0, m => m.Suspected(net.Members[2].Self));
        net.Broadcast(0, "cut off", DeliveryOrder.Fifo);
        net.Broadcast(1, "from a peer", DeliveryOrder.Fifo);
        Settle(net, 8);
        Assert.Single(net.Delivered[0]);
        Assert.Equal(3, net.Delivered[1].Count);

        net.Do(0, m => m.Reachable(net.Members[1].Self));
        Settle(net, 8);
        Assert.Equal(new[] { "cut off", "from a peer", "one suspected" }, net.Delivered[0].Select(d => (string)d.Payload).OrderBy(x => x, StringComparer.Ordinal).ToArray());
    }
}
