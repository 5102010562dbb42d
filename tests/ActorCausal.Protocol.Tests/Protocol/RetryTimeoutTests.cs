using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>The wait before an undecided total-order message asks again (RFC 6298's estimator, the configured delay as floor and margin).</summary>
public class RetryTimeoutTests
{
    [Fact]
    public void Before_any_decision_is_observed_the_timeout_is_the_configured_delay()
    {
        Assert.Equal(40, new RetryTimeout(40, 1_000).CurrentMs);
    }

    [Fact]
    public void The_first_decision_time_gives_that_time_plus_four_half_deviations()
    {
        var timeout = new RetryTimeout(40, 1_000);
        timeout.Sample(60); // smoothed 60, deviation 30
        Assert.Equal(60 + 4 * 30, timeout.CurrentMs);
    }

    [Fact]
    public void Steady_decision_times_give_that_time_plus_the_configured_delay_as_margin()
    {
        var timeout = new RetryTimeout(40, 1_000);
        for (var i = 0; i < 60; i++) timeout.Sample(100); // the deviation decays to nothing
        Assert.Equal(100 + 40, timeout.CurrentMs);
    }

    [Fact]
    public void Varying_decision_times_add_about_four_deviations()
    {
        var timeout = new RetryTimeout(40, 1_000);
        for (var i = 0; i < 100; i++) timeout.Sample(i % 2 == 0 ? 50 : 150); // mean 100, deviation about 50
        Assert.InRange(timeout.CurrentMs, 250, 350);
    }

    [Fact]
    public void Each_round_of_retries_doubles_the_timeout_up_to_the_cap_and_a_decision_brings_it_back()
    {
        var timeout = new RetryTimeout(40, 1_000);
        timeout.BackOff();
        Assert.Equal(80, timeout.CurrentMs);
        for (var i = 0; i < 10; i++) timeout.BackOff();
        Assert.Equal(1_000, timeout.CurrentMs);
        timeout.Sample(60);
        Assert.Equal(180, timeout.CurrentMs);
    }

    [Fact]
    public void The_cap_is_never_below_the_configured_delay()
    {
        var timeout = new RetryTimeout(5_000, 1_000);
        timeout.BackOff();
        Assert.Equal(5_000, timeout.CurrentMs);
    }
}
