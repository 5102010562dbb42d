using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Joining and founding as protocol inputs and effects (NodeUp, Announced, JoinAcknowledged; AnnounceJoin, AckJoin), decided on Tick.</summary>
public class FoundingTests
{
    private static readonly GroupMemberSettings Settings = new() { JoinRetryIntervalMs = 100, FoundingDelayMs = 500 };
    private static readonly MemberId Old = new("a", 1);
    private static readonly MemberId Young = new("b", 1);

    private static List<Effect> Drain(GroupMember m)
    {
        var effects = new List<Effect>();
        m.DrainEffects(effects);
        return effects;
    }

    private static List<Effect> TickTo(GroupMember m, long until, long step = 50)
    {
        var all = new List<Effect>();
        for (var t = step; t <= until; t += step)
        {
            m.Tick(t);
            all.AddRange(Drain(m));
        }
        return all;
    }

    [Fact]
    public void A_lone_joiner_announces_every_retry_interval_and_founds_view_1_after_the_founding_delay()
    {
        var m = GroupMember.Joining(Old, Settings, 0);
        m.NodeUp();
        var effects = Drain(m).Concat(TickTo(m, 450)).ToList();
        Assert.Equal(5, effects.OfType<AnnounceJoin>().Count());
        Assert.Equal(MemberPhase.Joining, m.Phase);
        effects = TickTo(m, 600).Skip(0).ToList();
        Assert.Equal(MemberPhase.Normal, m.Phase);
        Assert.Equal(new[] { Old }, m.View.Members);
        Assert.Equal(1, m.View.Id % (1L << 32)); // the founder's id range (MergeRules.FoundingViewId), first view
        Assert.True(m.Broadcast("first", DeliveryOrder.Total).Accepted);
    }

    [Fact]
    public void A_joiner_that_was_answered_or_heard_an_older_joiner_does_not_found()
    {
        var answered = GroupMember.Joining(Young, Settings, 0);
        answered.NodeUp();
        for (var t = 50L; t <= 2_000; t += 50)
        {
            answered.Tick(t);
            if (t % 200 == 0) answered.JoinAcknowledged(Old);
        }
        Assert.Equal(MemberPhase.Joining, answered.Phase);

        var younger = GroupMember.Joining(Young, Settings, 0);
        younger.NodeUp();
        younger.Announced(Old, fromOlderNode: true);
        TickTo(younger, 2_000);
        Assert.Equal(MemberPhase.Joining, younger.Phase);
    }

    [Fact]
    public void Concurrent_founders_the_oldest_founds_and_admits_the_other_with_a_snapshot()
    {
        var old = GroupMember.Joining(Old, Settings, 0);
        var young = GroupMember.Joining(Young, Settings, 0);
        old.NodeUp();
        young.NodeUp();
        // Each hears the other's announcements; only the younger knows it must wait.
        old.Announced(Young, fromOlderNode: false);
        young.Announced(Old, fromOlderNode: true);
        var fromOld = TickTo(old, 600);
        TickTo(young, 600);
        Assert.Equal(MemberPhase.Normal, old.Phase);
        Assert.Equal(MemberPhase.Joining, young.Phase);

        // The founder admits the announcer it heard: a view of two, a snapshot, a welcome.
        var take = fromOld.OfType<TakeSnapshot>().Single();
        old.ProvideSnapshot(take.ViewId, new byte[] { 1, 2, 3 });
        var welcome = Drain(old).OfType<Send>().Select(s => s.Message).OfType<Welcome>().Single();
        Assert.Equal(new[] { Old, Young }, old.View.Members.ToArray());
        young.Receive(Old, welcome);
        var joined = Drain(young);
        Assert.Contains(joined, e => e is LoadSnapshot l && l.Snapshot.Length == 3);
        Assert.Equal(old.View, young.View);

        // A later announcement of the (admitted) joiner is acknowledged and changes nothing.
        old.Announced(Young, fromOlderNode: false);
        var ack = Drain(old).OfType<AckJoin>().Single();
        Assert.Equal(Young, ack.To);
        Assert.Equal(2, old.View.Id % (1L << 32)); // the second view of the founder's range (MergeRules.FoundingViewId)
    }
}
