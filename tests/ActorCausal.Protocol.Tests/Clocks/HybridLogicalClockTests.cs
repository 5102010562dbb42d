using ActorCausal.Protocol.Clocks;

namespace ActorCausal.Protocol.Tests.Clocks;

public class HybridLogicalClockTests
{
    [Fact]
    public void Send_follows_physical_time_and_counts_within_one_millisecond()
    {
        var hlc = new HybridLogicalClock(maxSkewMs: 1000);
        Assert.Equal(new HlcTimestamp(100, 0), hlc.Send(100));
        Assert.Equal(new HlcTimestamp(100, 1), hlc.Send(100));
        Assert.Equal(new HlcTimestamp(100, 2), hlc.Send(99)); // physical time went back: logical keeps it monotone
        Assert.Equal(new HlcTimestamp(101, 0), hlc.Send(101));
    }

    [Fact]
    public void Receive_orders_the_receipt_after_the_remote_send()
    {
        var hlc = new HybridLogicalClock(maxSkewMs: 1000);
        hlc.Send(100);
        var result = hlc.Receive(new HlcTimestamp(500, 3), physicalNowMs: 120);
        Assert.False(result.SkewExceeded);
        Assert.Equal(new HlcTimestamp(500, 4), result.Timestamp);
        Assert.Equal(new HlcTimestamp(500, 5), hlc.Receive(new HlcTimestamp(400, 9), 130).Timestamp);
        Assert.Equal(new HlcTimestamp(600, 0), hlc.Receive(new HlcTimestamp(400, 9), 600).Timestamp);
    }

    [Fact]
    public void A_remote_clock_beyond_the_skew_bound_is_reported_and_not_merged()
    {
        var hlc = new HybridLogicalClock(maxSkewMs: 1000);
        var result = hlc.Receive(new HlcTimestamp(10_000, 0), physicalNowMs: 100);
        Assert.True(result.SkewExceeded);
        Assert.Equal(9_900, result.SkewMs);
        Assert.Equal(100, hlc.Current.WallMs);
    }
}
