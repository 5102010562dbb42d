namespace ActorCausal.Protocol.Internal;

/// <summary>
/// When each sender's gap is NAKed next, per view: a gap's first NAK waits the initial delay, each NAK sent doubles the
/// wait up to the maximum, and the attempts are counted so later NAKs can go to another member that stores the
/// message. A sender with no timer running (none started, or its gap closed) is never due.
/// </summary>
internal sealed class NakBackoff(int size, long initialDelayMs, long maxDelayMs)
{
    private readonly long[] _dueAt = new long[size];
    private readonly long[] _backoff = new long[size];
    private readonly int[] _attempts = new int[size];

    /// <summary>Starts <paramref name="sender"/>'s timer at <paramref name="nowMs"/> unless it is running.</summary>
    public void Start(int sender, long nowMs)
    {
        if (_dueAt[sender] != 0) return;
        _backoff[sender] = initialDelayMs;
        _dueAt[sender] = nowMs + initialDelayMs;
        _attempts[sender] = 0;
    }

    public bool IsRunning(int sender) => _dueAt[sender] != 0;

    /// <summary>The gap closed: no NAK until a new gap starts the timer again.</summary>
    public void Stop(int sender) => _dueAt[sender] = 0;

    public bool IsDue(int sender, long nowMs) => _dueAt[sender] <= nowMs;

    /// <summary>Nothing to ask for yet (the gap is not known to be a loss): look again after the initial delay.</summary>
    public void Postpone(int sender, long nowMs) => _dueAt[sender] = nowMs + initialDelayMs;

    /// <summary>NAKs sent for <paramref name="sender"/>'s gap in this run of its timer.</summary>
    public int Attempts(int sender) => _attempts[sender];

    /// <summary>A NAK went out at <paramref name="nowMs"/>: the next waits twice as long, up to the maximum.</summary>
    public void Sent(int sender, long nowMs)
    {
        _attempts[sender]++;
        _backoff[sender] = Math.Min(_backoff[sender] * 2, maxDelayMs);
        _dueAt[sender] = nowMs + _backoff[sender];
    }
}
