using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>The wait before an undecided total-order message asks again (RFC 6298's estimator, the configured delay as floor and margin).</summary>
public class RetryTimeoutTests
{
    [Fact]
    public void Before_any_decision_is_observed_the_timeout_is_the_initial_wait()
    {
        Assert.Equal(1_000, new RetryTimeout(40, 1_000, 1_000).CurrentMs);
    }

    [Fact]
    public void The_first_decision_time_gives_that_time_plus_four_half_deviations()
    {
        var timeout = new RetryTimeout(40, 1_000, 1_000);
        timeout.Sample(60); // smoothed 60, deviation 30
        Assert.Equal(60 + 4 * 30, timeout.CurrentMs);
    }

    [Fact]
    public void Steady_decision_times_give_that_time_plus_the_configured_delay_as_margin()
    {
        var timeout = new RetryTimeout(40, 1_000, 1_000);
        for (var i = 0; i < 60; i++) timeout.Sample(100); // the deviation decays to nothing
        Assert.Equal(100 + 40, timeout.CurrentMs);
    }

    [Fact]
    public void Varying_decision_times_add_about_four_deviations()
    {
        var timeout = new RetryTimeout(40, 1_000, 1_000);
        for (var i = 0; i < 100; i++) timeout.Sample(i % 2 == 0 ? 50 : 150); // mean 100, deviation about 50
        Assert.InRange(timeout.CurrentMs, 250, 350);
    }

    [Fact]
    public void Each_round_of_retries_doubles_the_timeout_up_to_the_cap_and_a_decision_brings_it_back()
    {
        var timeout = new RetryTimeout(40, 1_000, capMs: 1_000);
        timeout.Sample(10); // 10 + max(4 x 5, 40)
        Assert.Equal(50, timeout.CurrentMs);
        timeout.BackOff();
        Assert.Equal(100, timeout.CurrentMs);
        for (var i = 0; i < 10; i++) timeout.BackOff();
        Assert.Equal(1_000, timeout.CurrentMs);
        timeout.Sample(60); // smoothed 0.875 x 10 + 0.125 x 60 = 16.25; deviation 0.75 x 5 + 0.25 x 50 = 16.25
        Assert.Equal(82, timeout.CurrentMs); // ceiling of 16.25 + 4 x 16.25
    }

    [Fact]
    public void The_cap_is_never_below_the_configured_delay()
    {
        var timeout = new RetryTimeout(5_000, 1_000, capMs: 1_000);
        Assert.Equal(5_000, timeout.CurrentMs);
        timeout.BackOff();
        Assert.Equal(5_000, timeout.CurrentMs);
    }

    [Fact]
    public void Decisions_slower_than_the_initial_wait_are_learned_up_to_the_cap()
    {
        var timeout = new RetryTimeout(40, 1_000, 8_000);
        timeout.Sample(3_000); // smoothed 3,000, deviation 1,500: 9,000, over the cap
        Assert.Equal(8_000, timeout.CurrentMs);
        for (var i = 0; i < 40; i++) timeout.Sample(3_000); // the deviation decays
        Assert.InRange(timeout.CurrentMs, 3_040, 3_100);
    }
}
