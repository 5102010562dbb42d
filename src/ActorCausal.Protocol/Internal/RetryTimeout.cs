namespace ActorCausal.Protocol.Internal;

/// <summary>
/// How long an undecided total-order message waits before it asks again, from the decision times observed here
/// (Jacobson's estimator with Karn's rule, as TCP's retransmission timer, RFC 6298): the smoothed time plus the larger of
/// four deviations and <c>floorMs</c> (RFC 6298's clock-granularity term: a steady time must not become the timeout
/// itself), within [<c>floorMs</c>, <c>capMs</c>]. Until the first sample it is <c>initialMs</c> (RFC 6298 starts at 1 s):
/// a new member's first burst of messages must not all ask again before any decision time is known. The member passes
/// the initial wait as the cap as well (caps of 8 s and 60 s let back-offs outlast the simulator's loss schedules); that
/// under load decisions take longer than the cap is handled by the member, which at the timeout asks only a member that
/// has gone quiet (GroupMember.Total.cs, <see cref="ProposalProgress"/>). Only messages decided
/// without a retry are samples (a retried one's time says nothing about the network); each round of retries doubles the
/// timeout until a sample comes in, so a timeout too short for the load grows instead of retrying every message.
/// </summary>
internal sealed class RetryTimeout
{
    private readonly long _floorMs;
    private readonly long _capMs;
    private double _smoothed = -1;
    private double _deviation;

    public RetryTimeout(long floorMs, long initialMs, long capMs)
    {
        _floorMs = floorMs;
        _capMs = Math.Max(floorMs, capMs);
        CurrentMs = Math.Clamp(initialMs, floorMs, _capMs);
    }

    public long CurrentMs { get; private set; }

    public void Sample(long decisionMs)
    {
        if (decisionMs < 0) return;
        if (_smoothed < 0)
        {
            _smoothed = decisionMs;
            _deviation = decisionMs / 2.0;
        }
        else
        {
            _deviation = 0.75 * _deviation + 0.25 * Math.Abs(_smoothed - decisionMs);
            _smoothed = 0.875 * _smoothed + 0.125 * decisionMs;
        }
        CurrentMs = Math.Clamp((long)Math.Ceiling(_smoothed + Math.Max(4 * _deviation, _floorMs)), _floorMs, _capMs);
    }

    public void BackOff() => CurrentMs = Math.Min(CurrentMs * 2, _capMs);
}
