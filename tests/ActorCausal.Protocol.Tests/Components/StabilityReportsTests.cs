using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>When a sender is due a receiver-driven stability report.</summary>
public class StabilityReportsTests
{
    [Theory]
    [InlineData(10_000, 2_500)]
    [InlineData(500, 125)]
    [InlineData(6, 1)]
    [InlineData(1, 1)]
    public void A_report_is_due_every_quarter_of_the_unstable_bound_and_at_least_every_message(int maxUnstable, long every) =>
        Assert.Equal(every, StabilityReports.Every(maxUnstable));

    [Fact]
    public void A_sender_is_due_once_it_is_a_quarter_bound_behind_what_was_delivered_here()
    {
        var reports = new StabilityReports(3, rank: 1);
        Assert.False(reports.Due(0, reported: 9, every: 10));
        Assert.True(reports.Due(0, reported: 10, every: 10));

        reports.Told(0, 10);
        Assert.False(reports.Due(0, reported: 19, every: 10));
        Assert.True(reports.Due(0, reported: 20, every: 10));
    }

    [Fact]
    public void This_member_is_never_due_a_report_of_its_own_messages()
    {
        var reports = new StabilityReports(2, rank: 1);
        Assert.False(reports.Due(1, reported: 1_000, every: 1));
        Assert.False(reports.AnyDue([0, 1_000], every: 1));
        Assert.True(reports.AnyDue([1, 1_000], every: 1));
    }

    [Fact]
    public void What_went_to_everyone_counts_as_told_and_an_older_vector_lowers_nothing()
    {
        var reports = new StabilityReports(3, rank: 0);
        reports.ToldAll([0, 7, 3]);
        reports.ToldAll([0, 5, 4]);
        reports.Told(2, 1);

        Assert.Equal(7, reports.LastTold(1));
        Assert.Equal(4, reports.LastTold(2));
        Assert.False(reports.AnyDue([0, 8, 5], every: 2));
        Assert.True(reports.AnyDue([0, 9, 5], every: 2));
    }
}
