using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>When a gap is NAKed: the initial delay, doubling up to the maximum, and restarts.</summary>
public class NakBackoffTests
{
    [Fact]
    public void A_gap_is_first_nakked_after_the_initial_delay()
    {
        var naks = new NakBackoff(3, initialDelayMs: 20, maxDelayMs: 100);
        Assert.False(naks.IsRunning(1));

        naks.Start(1, nowMs: 5);

        Assert.True(naks.IsRunning(1));
        Assert.False(naks.IsDue(1, 24));
        Assert.True(naks.IsDue(1, 25));
        Assert.False(naks.IsRunning(0));
    }

    [Fact]
    public void Each_nak_doubles_the_wait_up_to_the_maximum_and_counts_an_attempt()
    {
        var naks = new NakBackoff(1, initialDelayMs: 20, maxDelayMs: 70);
        naks.Start(0, 0);

        naks.Sent(0, 20); // next wait 40
        Assert.False(naks.IsDue(0, 59));
        Assert.True(naks.IsDue(0, 60));
        naks.Sent(0, 60); // 80, capped at 70
        Assert.False(naks.IsDue(0, 129));
        Assert.True(naks.IsDue(0, 130));
        Assert.Equal(2, naks.Attempts(0));
    }

    [Fact]
    public void Starting_a_running_timer_changes_nothing()
    {
        var naks = new NakBackoff(1, 20, 100);
        naks.Start(0, 0);
        naks.Sent(0, 20);

        naks.Start(0, 30);

        Assert.Equal(1, naks.Attempts(0));
        Assert.False(naks.IsDue(0, 59));
    }

    [Fact]
    public void A_closed_gap_stops_the_timer_and_a_new_gap_starts_from_the_initial_delay()
    {
        var naks = new NakBackoff(1, 20, 100);
        naks.Start(0, 0);
        naks.Sent(0, 20);
        naks.Stop(0);
        Assert.False(naks.IsRunning(0));

        naks.Start(0, 100);

        Assert.Equal(0, naks.Attempts(0));
        Assert.True(naks.IsDue(0, 120));
    }

    [Fact]
    public void A_postponed_timer_looks_again_after_the_initial_delay_without_counting_an_attempt()
    {
        var naks = new NakBackoff(1, 20, 100);
        naks.Start(0, 0);

        naks.Postpone(0, 20);

        Assert.False(naks.IsDue(0, 39));
        Assert.True(naks.IsDue(0, 40));
        Assert.Equal(0, naks.Attempts(0));
    }
}
