using ActorCausal.Metrics;
using ActorCausal.Protocol;

namespace ActorCausal.Internal;

/// <summary>Turns the protocol's cumulative counters into metric increments, at most once per <paramref name="interval"/>; <paramref name="owner"/> keys the reported depth.</summary>
internal sealed class ProtocolMetricsReport(string group, KeyValuePair<string, object?> tag, TimeSpan interval, object owner)
{
    private long _nextAt;
    private MemberStatus? _baseline;

    public void ReportIfDue(long nowMs, Func<MemberStatus> status)
    {
        if (nowMs < _nextAt) return;
        _nextAt = nowMs + (long)interval.TotalMilliseconds;
        var now = status();
        var (heldBack, retransmits) = Increments(_baseline, now);
        if (heldBack > 0) CausalMetrics.HeldBack.Add(heldBack, tag);
        if (retransmits > 0) CausalMetrics.Retransmits.Add(retransmits, tag);
        _baseline = now;
        CausalMetrics.ReportDepth(owner, group, now.PendingNow);
    }

    /// <summary>What was held back and retransmitted since <paramref name="before"/>; all of it when a new GroupMember (founding, a merge) restarted the counters.</summary>
    public static (long HeldBack, long Retransmits) Increments(MemberStatus? before, MemberStatus now)
    {
        if (before is null || before.Self != now.Self || now.Delayed < before.Delayed || now.Retransmitted < before.Retransmitted) before = null;
        return (now.Delayed - (before?.Delayed ?? 0), now.Retransmitted - (before?.Retransmitted ?? 0));
    }
}
