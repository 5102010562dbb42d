using System.Collections.Immutable;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// The tallies a <see cref="GroupMember"/> reports in <see cref="MemberStatus"/>. Every counter only grows over the
/// member's life (they survive view changes); the delivery delay statistics are kept together so the average and the
/// maximum always describe the same deliveries.
/// </summary>
internal sealed class MemberCounters
{
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];
    private long _delaySumMs;
    private long _maxDelayMs;

    public long Sent;
    public long Received;
    public long Delivered;
    public long Delayed;
    public long Retransmitted;
    public long NaksSent;
    public long Duplicates;
    public long Refused;
    public long ClockSkewEvents;
    public long SafeDelivered;
    public long SafeAcksSent;
    public long StabilityReportsSent;
    public long ViewChanges;
    public long ViewChangesByMinority;

    public void CountRejected(RejectReason reason) => _rejected[(int)reason]++;

    /// <summary>One delivery here, <paramref name="delayMs"/> after its message was received or broadcast.</summary>
    public void CountDelivery(long delayMs, bool safe)
    {
        Delivered++;
        _delaySumMs += delayMs;
        if (delayMs > _maxDelayMs) _maxDelayMs = delayMs;
        if (safe) SafeDelivered++;
    }

    /// <summary><paramref name="status"/> with every counter of this tally filled in.</summary>
    public MemberStatus FillIn(MemberStatus status)
    {
        var rejected = ImmutableDictionary.CreateBuilder<RejectReason, long>();
        for (var i = 0; i < _rejected.Length; i++)
        {
            if (_rejected[i] > 0) rejected[(RejectReason)i] = _rejected[i];
        }
        return status with
        {
            ViewChanges = ViewChanges,
            Sent = Sent,
            Received = Received,
            Delivered = Delivered,
            Delayed = Delayed,
            Retransmitted = Retransmitted,
            NaksSent = NaksSent,
            Duplicates = Duplicates,
            Refused = Refused,
            ClockSkewEvents = ClockSkewEvents,
            AvgDeliveryDelayMs = Delivered == 0 ? 0 : (double)_delaySumMs / Delivered,
            MaxDeliveryDelayMs = _maxDelayMs,
            Rejected = rejected.ToImmutable(),
            SafeDelivered = SafeDelivered,
            SafeAcksSent = SafeAcksSent,
            StabilityReportsSent = StabilityReportsSent,
            ViewChangesByMinority = ViewChangesByMinority,
        };
    }
}
