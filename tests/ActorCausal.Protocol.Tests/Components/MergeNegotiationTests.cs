using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>A coordinator's merge probes, its one request, and the acceptance that makes it close its view.</summary>
public class MergeNegotiationTests
{
    private const long Interval = 1_000;
    private static readonly MemberId Winner = new("winner", 1);

    [Fact]
    public void Probes_fall_due_once_per_merge_interval()
    {
        var merge = new MergeNegotiation(Interval, probeReplyIntervalMs: 100);

        Assert.True(merge.TakeProbeDue(0));
        Assert.False(merge.TakeProbeDue(Interval - 1));
        Assert.True(merge.TakeProbeDue(Interval));
    }

    [Fact]
    public void Replies_to_probes_are_limited_to_one_per_reply_interval()
    {
        var merge = new MergeNegotiation(Interval, probeReplyIntervalMs: 100);

        Assert.True(merge.TakeProbeReplyDue(5));
        Assert.False(merge.TakeProbeReplyDue(104));
        Assert.True(merge.TakeProbeReplyDue(105));
    }

    [Fact]
    public void Only_the_member_asked_can_accept_and_only_once()
    {
        var merge = new MergeNegotiation(Interval, 100);
        Assert.True(merge.MayRequest(0));
        merge.Requested(Winner, 0);
        Assert.False(merge.MayRequest(10));

        Assert.False(merge.TakeAcceptance(new MemberId("other", 1), 10));
        Assert.True(merge.TakeAcceptance(Winner, 10));
        Assert.False(merge.TakeAcceptance(Winner, 11));
        Assert.False(merge.HasRequestOut);
    }

    [Fact]
    public void A_request_unanswered_for_two_intervals_lapses_at_the_next_probe()
    {
        var merge = new MergeNegotiation(Interval, 100);
        merge.Requested(Winner, 0);

        merge.TakeProbeDue(2 * Interval - 1);
        Assert.True(merge.HasRequestOut);
        merge.TakeProbeDue(2 * Interval);
        Assert.False(merge.HasRequestOut);
    }

    [Fact]
    public void A_coordinator_that_accepted_a_request_neither_asks_nor_takes_an_acceptance_for_two_intervals()
    {
        var merge = new MergeNegotiation(Interval, 100);
        merge.Accepted(500);
        Assert.False(merge.MayRequest(500 + 2 * Interval - 1));
        Assert.True(merge.MayRequest(500 + 2 * Interval));

        merge.Requested(Winner, 600);
        Assert.False(merge.TakeAcceptance(Winner, 700)); // crossing requests: neither side merges
        Assert.True(merge.HasRequestOut);
    }

    [Fact]
    public void Closing_into_a_winner_names_the_target()
    {
        var merge = new MergeNegotiation(Interval, 100);
        Assert.Null(merge.Target);
        var winner = new GroupView(3, [Winner]);

        merge.CloseInto(winner);

        Assert.Same(winner, merge.Target);
    }
}
