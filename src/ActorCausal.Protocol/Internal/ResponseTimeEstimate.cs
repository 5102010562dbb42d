namespace ActorCausal.Protocol.Internal;

/// <summary>
/// How long a member's proposal may take before it is asked for: Tukey's upper fence (Q3 + 1.5 × IQR) of its last
/// <see cref="Window"/> response times, the interquartile range at least <c>floorMs</c>, within [<c>floorMs</c>,
/// <c>capMs</c>]. A wait beyond the fence is an outlier of what the member does now, so only then is the proposal
/// presumed lost. Quartiles, unlike Jacobson's mean plus four deviations, ignore the few samples inflated by a
/// NAK-repaired message or a member's pause (up to a quarter of the window), so the cap can sit above the answer
/// times seen under load without lost proposals waiting for it. Until <see cref="MinSamples"/> samples it is
/// <c>initialMs</c>.
/// </summary>
internal sealed class ResponseTimeEstimate(long floorMs, long initialMs, long capMs)
{
    public const int Window = 32;
    public const int MinSamples = 8;

    private readonly long[] _samples = new long[Window];
    private readonly long _capMs = Math.Max(floorMs, capMs);
    private int _count;
    private int _next;
    private long _currentMs = -1;

    public long CurrentMs => _currentMs >= 0 ? _currentMs : _currentMs = Compute();

    public void Sample(long responseMs)
    {
        if (responseMs < 0) return;
        _samples[_next] = responseMs;
        _next = (_next + 1) % Window;
        if (_count < Window) _count++;
        _currentMs = -1;
    }

    private long Compute()
    {
        if (_count < MinSamples) return Math.Clamp(initialMs, floorMs, _capMs);
        var sorted = _samples[.._count];
        Array.Sort(sorted);
        var q1 = sorted[_count / 4];
        var q3 = sorted[3 * _count / 4];
        var fence = q3 + 3 * Math.Max(q3 - q1, floorMs) / 2;
        return Math.Clamp(fence, floorMs, _capMs);
    }
}
