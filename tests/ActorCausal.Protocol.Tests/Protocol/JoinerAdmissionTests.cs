using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// Joiners admitted by a view they never installed (founding schedules inside <c>sim --faults all</c>, issue 13):
/// a welcome that outlives every old member, and an incarnation a view dropped that announces itself again.
/// </summary>
public class JoinerAdmissionTests
{
    private static void Settle(ManualNetwork net, int rounds = 40)
    {
        for (var i = 0; i < rounds; i++) net.TickAll(25);
    }

    [Fact]
    public void A_joiner_whose_welcome_outlived_every_old_member_gets_it_from_a_joiner_that_installed_the_view()
    {
        // Seed 795: the old members crashed before the slow welcome reached one joiner; its node is Up, so nothing
        // removes it, and the survivors' flush waited for its report for ever.
        var net = new ManualNetwork(2);
        net.Broadcast(0, "before");
        net.Flush();
        var early = net.AddJoiner("j1");
        var late = net.AddJoiner("j2");
        net.Blackhole = f => f.To == late && f.Message is Welcome;
        net.DoAll(m => m.JoinRequested(net.Members[early].Self));
        net.DoAll(m => m.JoinRequested(net.Members[late].Self));
        Settle(net, 8);
        var admitting = net.Members[early].View;
        Assert.Equal(4, admitting.Size);
        Assert.Equal(MemberPhase.Joining, net.Members[late].Phase);

        net.Crash(0);
        net.Crash(1);
        net.Blackhole = null;
        net.Do(early, m => m.Removed(net.Members[0].Self));
        net.Do(early, m => m.Removed(net.Members[1].Self));
        Settle(net);

        Assert.Equal(MemberPhase.Normal, net.Members[late].Phase);
        Assert.Equal(new[] { "before" }, net.State(late).Take(1));
        var final = net.Members[early].View;
        Assert.Equal(new[] { net.Members[early].Self, net.Members[late].Self }, final.Members.OrderBy(m => m.Address, StringComparer.Ordinal).ToArray());
        Assert.Equal(final, net.Members[late].View);
        Assert.Contains(net.EventsOf<ViewInstalled>(late), v => v.View.Equals(admitting));
    }

    [Fact]
    public void An_incarnation_a_view_left_out_is_not_admitted_again_by_a_member_that_missed_why()
    {
        // Seed 6919: the joiner declined this group's welcome (it installed another group's view); the decline reached
        // the coordinator first, whose flush dropped it; its late announcement then reached another member.
        var net = new ManualNetwork(3);
        var joiner = net.AddJoiner("j");
        var j = net.Members[joiner].Self;
        net.Blackhole = f => f.To == joiner;
        net.Do(0, m => m.JoinRequested(j));
        Settle(net, 8);
        Assert.Contains(j, net.Members[1].View.Members);

        net.Do(0, m => m.Removed(j));
        Settle(net, 8);
        Assert.DoesNotContain(j, net.Members[1].View.Members);

        net.Do(1, m => m.JoinRequested(j));
        net.Crash(0);
        net.Do(1, m => m.Removed(net.Members[0].Self));
        net.Do(2, m => m.Removed(net.Members[0].Self));
        Settle(net);
        var last = net.EventsOf<ViewInstalled>(1).Last().View;
        Assert.Equal(new[] { net.Members[1].Self, net.Members[2].Self }, last.Members.ToArray());
    }

    [Fact]
    public void A_member_that_left_declines_a_late_welcome_from_another_group_and_that_group_drops_it()
    {
        // Seed 875: two groups of one name; an incarnation left one group, and the other admitted it afterwards from a
        // late announcement. Its node stays Up (with a newer incarnation), so only its answer can remove it there.
        var net = new ManualNetwork(2);
        net.Do(1, m => m.Leave());
        Settle(net, 8);
        var gone = net.Members[1];
        Assert.Equal(MemberPhase.Stopped, gone.Phase);

        var x1 = new MemberId("x", 1);
        var other = new GroupMember(x1, new GroupView(Internal.MergeRules.FoundingViewId(x1) + 1, [x1, gone.Self]));
        gone.Receive(x1, new Welcome(other.View.Id, other.View.Members, [gone.Self], ReadOnlyMemory<byte>.Empty));
        var effects = new List<Effect>();
        gone.DrainEffects(effects);
        var declined = Assert.Single(effects.OfType<Send>(), e => e.Message is WelcomeDeclined);
        Assert.Equal(x1, declined.To);

        other.Receive(gone.Self, declined.Message);
        Assert.Equal(new[] { x1 }, other.View.Members.ToArray());
    }
}
