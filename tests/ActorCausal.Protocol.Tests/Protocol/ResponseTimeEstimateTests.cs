using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>The wait for a member's proposal: Tukey's upper fence of its recent response times (Q3 + 1.5 × IQR).</summary>
public class ResponseTimeEstimateTests
{
    [Fact]
    public void Until_enough_responses_are_seen_it_is_the_initial_wait()
    {
        var estimate = new ResponseTimeEstimate(40, 1_000, 4_000);
        for (var i = 0; i < ResponseTimeEstimate.MinSamples - 1; i++) estimate.Sample(10);
        Assert.Equal(1_000, estimate.CurrentMs);
    }

    [Fact]
    public void Steady_responses_give_that_time_plus_one_and_a_half_floors()
    {
        var estimate = new ResponseTimeEstimate(40, 1_000, 4_000);
        for (var i = 0; i < 20; i++) estimate.Sample(100);
        Assert.Equal(100 + 60, estimate.CurrentMs); // the interquartile range is 0, so the floor stands in for it
    }

    [Fact]
    public void Spread_responses_give_the_upper_fence()
    {
        var estimate = new ResponseTimeEstimate(40, 1_000, 4_000);
        for (var i = 0; i < 32; i++) estimate.Sample(i < 16 ? 100 : 300); // Q1 100, Q3 300
        Assert.Equal(300 + 300, estimate.CurrentMs);
    }

    [Fact]
    public void A_quarter_of_inflated_responses_does_not_move_it_where_the_mean_and_deviations_grow_to_the_cap()
    {
        // One response in five waited for a repaired message or a paused member (3 s instead of 50 ms).
        var estimate = new ResponseTimeEstimate(40, 1_000, 4_000);
        var jacobson = new RetryTimeout(40, 1_000, 4_000);
        for (var i = 0; i < 40; i++)
        {
            var sample = i % 5 == 4 ? 3_000 : 50;
            estimate.Sample(sample);
            jacobson.Sample(sample);
        }
        Assert.Equal(50 + 60, estimate.CurrentMs);
        Assert.True(jacobson.CurrentMs > 2_000, $"Jacobson's estimate {jacobson.CurrentMs} ms");
    }

    [Fact]
    public void Responses_slower_than_the_initial_wait_raise_it_up_to_the_cap_and_only_recent_ones_count()
    {
        var estimate = new ResponseTimeEstimate(40, 1_000, 4_000);
        for (var i = 0; i < 32; i++) estimate.Sample(1_500);
        Assert.Equal(1_560, estimate.CurrentMs);
        for (var i = 0; i < 32; i++) estimate.Sample(9_000);
        Assert.Equal(4_000, estimate.CurrentMs);
        for (var i = 0; i < ResponseTimeEstimate.Window; i++) estimate.Sample(20);
        Assert.Equal(80, estimate.CurrentMs);
    }
}
