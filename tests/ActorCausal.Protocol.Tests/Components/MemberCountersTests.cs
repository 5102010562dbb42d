using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>The tallies behind <see cref="MemberStatus"/>'s counters.</summary>
public class MemberCountersTests
{
    private static MemberStatus Blank() => new() { Self = new MemberId("n", 1), ViewId = 1, ViewSize = 1 };

    [Fact]
    public void Delivery_delays_give_their_mean_and_their_maximum()
    {
        var counters = new MemberCounters();
        counters.CountDelivery(10, safe: false);
        counters.CountDelivery(30, safe: true);
        counters.CountDelivery(5, safe: false);

        var status = counters.FillIn(Blank());

        Assert.Equal(3, status.Delivered);
        Assert.Equal(15.0, status.AvgDeliveryDelayMs);
        Assert.Equal(30, status.MaxDeliveryDelayMs);
        Assert.Equal(1, status.SafeDelivered);
    }

    [Fact]
    public void Without_deliveries_the_mean_delay_is_zero_not_a_division_by_zero()
    {
        var status = new MemberCounters().FillIn(Blank());

        Assert.Equal(0, status.AvgDeliveryDelayMs);
        Assert.Empty(status.Rejected);
    }

    [Fact]
    public void Rejections_are_reported_only_for_the_reasons_that_occurred()
    {
        var counters = new MemberCounters();
        counters.CountRejected(RejectReason.Malformed);
        counters.CountRejected(RejectReason.Malformed);
        counters.CountRejected(RejectReason.NotAMember);

        var status = counters.FillIn(Blank());

        Assert.Equal(2, status.Rejected.Count);
        Assert.Equal(2, status.Rejected[RejectReason.Malformed]);
        Assert.Equal(1, status.Rejected[RejectReason.NotAMember]);
    }

    [Fact]
    public void Filling_in_keeps_the_fields_the_counters_do_not_own()
    {
        var counters = new MemberCounters { Sent = 4 };
        var status = counters.FillIn(Blank() with { HeldBroadcasts = 7, PendingNow = 2 });

        Assert.Equal(4, status.Sent);
        Assert.Equal(7, status.HeldBroadcasts);
        Assert.Equal(2, status.PendingNow);
    }
}
