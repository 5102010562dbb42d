using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>A joiner's announcements and its clock-side founding condition.</summary>
public class JoinAttemptTests
{
    private const long Delay = 1_000;

    [Fact]
    public void Founding_waits_the_founding_delay_after_the_node_came_up()
    {
        var join = new JoinAttempt();
        join.Start(nowMs: 500);

        Assert.False(join.MayFound(500 + Delay - 1, Delay));
        Assert.True(join.MayFound(500 + Delay, Delay));
    }

    [Fact]
    public void An_answer_from_a_member_defers_founding_by_a_whole_delay()
    {
        var join = new JoinAttempt();
        join.Start(0);
        join.Answered(1_500);

        Assert.False(join.MayFound(2_000, Delay));
        Assert.True(join.MayFound(2_500, Delay));
    }

    [Fact]
    public void An_announcer_on_an_older_node_blocks_founding_until_it_is_forgotten()
    {
        var older = new MemberId("older", 1);
        var join = new JoinAttempt();
        join.Start(0);
        join.AnnouncedBy(new MemberId("younger", 1), fromOlderNode: false);
        join.AnnouncedBy(older, fromOlderNode: true);
        Assert.False(join.MayFound(5_000, Delay));

        join.Forget(older);
        Assert.True(join.MayFound(5_000, Delay));
    }

    [Fact]
    public void Announcements_fall_due_once_per_interval()
    {
        var join = new JoinAttempt();
        join.Start(100);

        Assert.True(join.TakeAnnouncementDue(100, 250));
        Assert.False(join.TakeAnnouncementDue(349, 250));
        Assert.True(join.TakeAnnouncementDue(350, 250));
    }

    [Fact]
    public void Founding_hands_over_the_announcers_once()
    {
        var a = new MemberId("a", 1);
        var join = new JoinAttempt();
        join.AnnouncedBy(a, fromOlderNode: false);

        Assert.Equal([a], join.TakeAnnouncers());
        Assert.Empty(join.TakeAnnouncers());
    }

    [Fact]
    public void A_node_that_is_not_up_yet_has_not_started()
    {
        var join = new JoinAttempt();
        Assert.False(join.NodeUp);
        join.Start(0);
        Assert.True(join.NodeUp);
    }
}
