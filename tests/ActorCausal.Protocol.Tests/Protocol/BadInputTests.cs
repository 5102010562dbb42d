using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>Bad input is refused with a reason, counted, and changes nothing: the valid traffic after it still flows.</summary>
public class BadInputTests
{
    private static (ManualNetwork Net, DataMessage First) OneMessageInFlight(GroupMemberSettings? settings = null)
    {
        var net = new ManualNetwork(3, settings);
        net.Broadcast(0, "first");
        var first = (DataMessage)net.InFlight.First(f => f.To == 1).Message;
        net.Drop(f => f.To == 1);
        return (net, first);
    }

    private static void AssertRefusedAndHarmless(ManualNetwork net, DataMessage first, Func<ReceiveOutcome> bad, RejectReason reason)
    {
        var before = net.Members[1].Status();
        var outcome = bad();
        Assert.Equal(ReceiveStatus.Rejected, outcome.Status);
        Assert.Equal(reason, outcome.Reason);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Detail));
        var after = net.Members[1].Status();
        Assert.Equal(1, after.Rejected[reason]);
        Assert.Equal(before with { Rejected = after.Rejected, Members = after.Members }, after);
        Assert.Equal(before.Members, after.Members);
        Assert.Equal(reason, Assert.Single(net.Rejections[1]).Reason);

        Assert.Equal(ReceiveStatus.Accepted, net.Inject(1, 0, first).Status);
        Assert.Equal(new object[] { "first" }, net.Payloads(1));
    }

    [Fact]
    public void A_clock_of_the_wrong_dimension_is_rejected()
    {
        var (net, first) = OneMessageInFlight();
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 0, first with { Clock = VectorClock.Of(1, 0) }), RejectReason.WrongClockDimension);
    }

    [Fact]
    public void A_sender_outside_the_view_is_rejected()
    {
        var (net, first) = OneMessageInFlight();
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, new MemberId("stranger", 1), first), RejectReason.NotAMember);
        var (net2, first2) = OneMessageInFlight();
        AssertRefusedAndHarmless(net2, first2, () => net2.Inject(1, 0, first2 with { Sender = 7 }), RejectReason.Malformed);
    }

    [Fact]
    public void Messages_of_a_stale_or_future_view_are_rejected()
    {
        var (net, first) = OneMessageInFlight();
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 0, first with { ViewId = 0 }), RejectReason.StaleView);
        var (net2, first2) = OneMessageInFlight();
        AssertRefusedAndHarmless(net2, first2, () => net2.Inject(1, 0, first2 with { ViewId = 3 }), RejectReason.FutureView);
    }

    [Fact]
    public void A_message_of_the_next_view_is_kept_for_when_that_view_is_installed_not_delivered_now()
    {
        var (net, first) = OneMessageInFlight();
        Assert.Equal(ReceiveStatus.Accepted, net.Inject(1, 0, first with { ViewId = 2 }).Status);
        Assert.Empty(net.Delivered[1]);
        Assert.Equal(0, net.Members[1].Status().Received);
    }

    [Fact]
    public void A_sequence_number_far_beyond_the_window_is_rejected()
    {
        var (net, first) = OneMessageInFlight(new GroupMemberSettings { ReceiveWindow = 100 });
        var far = first with { Sequence = 1_000, Clock = VectorClock.Of(1_000, 0, 0) };
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 0, far), RejectReason.BeyondWindow);
    }

    [Fact]
    public void A_proposal_for_a_message_never_sent_is_rejected()
    {
        var (net, first) = OneMessageInFlight();
        var proposal = new Proposal(1, new MessageId(1, 1, 9), new Priority(4, 2), false); // m1 never sent anything
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 2, proposal), RejectReason.UnknownMessage);
    }

    [Fact]
    public void A_proposal_carrying_another_members_rank_is_rejected()
    {
        var (net, first) = OneMessageInFlight();
        var proposal = new Proposal(1, new MessageId(1, 1, 1), new Priority(4, 0), false);
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 2, proposal), RejectReason.Malformed);
    }

    [Fact]
    public void Gossip_of_the_wrong_dimension_is_rejected()
    {
        var (net, first) = OneMessageInFlight();
        AssertRefusedAndHarmless(net, first, () => net.Inject(1, 2, new StabilityGossip(1, VectorClock.Of(0, 0, 0, 0))), RejectReason.WrongClockDimension);
    }

    [Fact]
    public void A_remote_clock_far_in_the_future_is_counted_and_the_message_still_delivered()
    {
        var (net, first) = OneMessageInFlight();
        var skewed = first with { Time = new HlcTimestamp(first.Time.WallMs + 60_000, 0) };
        Assert.Equal(ReceiveStatus.Accepted, net.Inject(1, 0, skewed).Status);
        Assert.Equal(new object[] { "first" }, net.Payloads(1));
        Assert.Equal(1, net.Members[1].Status().ClockSkewEvents);
        Assert.True(net.Members[1].Clock.WallMs < 60_000);
    }
}
