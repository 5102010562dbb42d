using ActorCausal.Internal;
using ActorCausal.Metrics;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="ProtocolMetricsReport"/>: the increments between two statuses of the protocol, and the reporting pace.</summary>
public sealed class ProtocolMetricsReportTests
{
    private static readonly MemberStatus First = new GroupMember(new MemberId("a", 1), new GroupView(1, [new MemberId("a", 1)])).Status();

    [Fact]
    public void The_increments_are_what_grew_since_the_previous_status()
    {
        var before = First with { Delayed = 5, Retransmitted = 2 };
        Assert.Equal((5L, 2L), ProtocolMetricsReport.Increments(null, before));
        Assert.Equal((3L, 0L), ProtocolMetricsReport.Increments(before, before with { Delayed = 8 }));
    }

    [Fact]
    public void A_new_member_restarts_the_counters_and_counts_from_zero()
    {
        var before = First with { Delayed = 5, Retransmitted = 2 };
        Assert.Equal((7L, 3L), ProtocolMetricsReport.Increments(before, before with { Self = new MemberId("a", 2), Delayed = 7, Retransmitted = 3 }));
        Assert.Equal((1L, 4L), ProtocolMetricsReport.Increments(before, before with { Delayed = 1, Retransmitted = 4 }));
    }

    [Fact]
    public void The_status_is_read_at_most_once_per_interval()
    {
        var owner = new object();
        var report = new ProtocolMetricsReport("g", new("group", "g"), TimeSpan.FromMilliseconds(100), owner);
        var reads = 0;
        foreach (var now in new long[] { 0, 50, 99, 100, 150, 250 }) report.ReportIfDue(now, () => { reads++; return First; });
        CausalMetrics.Forget(owner);
        Assert.Equal(3, reads); // at 0, 100 and 250
    }
}
