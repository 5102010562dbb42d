using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>What each member delivered and stores: stability and the safe-delivery condition.</summary>
public class AcknowledgementMatrixTests
{
    [Fact]
    public void A_message_is_stable_only_up_to_the_least_any_other_member_delivered()
    {
        var acks = new AcknowledgementMatrix(3, rank: 0);
        acks.LearnDelivered(1, [5, 2, 0]);
        acks.LearnDelivered(2, [3, 4, 0]);

        Assert.Equal(3, acks.StableUpTo(0, ownBound: 9));
        Assert.Equal(1, acks.StableUpTo(1, ownBound: 1)); // this member's own report bounds it too
        Assert.Equal(0, acks.StableUpTo(2, ownBound: 9));
    }

    [Fact]
    public void An_older_report_never_lowers_what_a_member_is_known_to_have_delivered()
    {
        var acks = new AcknowledgementMatrix(2, rank: 0);
        acks.LearnDelivered(1, [7, 0]);
        acks.LearnDelivered(1, [4, 0]);

        Assert.Equal(7, acks.StableUpTo(0, ownBound: 10));
    }

    [Fact]
    public void A_safe_message_is_stored_everywhere_only_when_every_row_including_this_members_covers_it()
    {
        var acks = new AcknowledgementMatrix(3, rank: 1);
        acks.LearnStored(0, [0, 0, 4]);
        acks.LearnStored(2, [0, 0, 4]);
        Assert.False(acks.AllStore(2, 4)); // this member's own H is still 0

        acks.AdvanceOwnStored(2, 4);
        Assert.True(acks.AllStore(2, 4));
        Assert.False(acks.AllStore(2, 5));
        Assert.Equal(4, acks.StoredBy(0, 2));
    }

    [Fact]
    public void Learning_a_stored_vector_asks_for_a_recheck_only_when_it_advances_a_sender_with_an_undelivered_safe_message()
    {
        var acks = new AcknowledgementMatrix(2, rank: 0);
        Assert.False(acks.LearnStored(1, [0, 3])); // no safe message known

        acks.NoteSafe(1, 5);
        Assert.True(acks.LearnStored(1, [0, 4]));
        Assert.False(acks.LearnStored(1, [0, 4])); // nothing advanced

        acks.MarkDelivered(1, 5);
        Assert.False(acks.LearnStored(1, [0, 5])); // the safe message is delivered here already
    }

    [Fact]
    public void Safe_messages_stay_pending_until_stable_then_the_flag_clears()
    {
        var acks = new AcknowledgementMatrix(2, rank: 0);
        var logs = new[] { new SenderLog(), new SenderLog() };
        Assert.False(acks.AnySafe);

        acks.NoteSafe(1, 2);
        Assert.True(acks.SafeUnstable(logs));

        logs[1].Delivered = 2;
        logs[1].ReleaseUpTo(2);
        Assert.False(acks.SafeUnstable(logs));
        Assert.False(acks.AnySafe);
    }

    [Fact]
    public void Acknowledging_remembers_the_vector_sent_and_hands_out_a_copy()
    {
        var acks = new AcknowledgementMatrix(2, rank: 0);
        acks.AdvanceOwnStored(1, 3);

        var sent = acks.AcknowledgeStored();
        acks.AdvanceOwnStored(1, 6);

        Assert.Equal(3, sent[1]);
        Assert.Equal(3, acks.AcknowledgedStored(1));
    }

    [Fact]
    public void A_rank_outside_the_view_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AcknowledgementMatrix(3, rank: 3));
    }
}
