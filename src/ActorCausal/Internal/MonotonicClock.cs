using System.Diagnostics;

namespace ActorCausal.Internal;

/// <summary>
/// Milliseconds for the protocol's Tick: anchored to the wall clock (Unix ms) once, then advanced by a monotonic
/// stopwatch, so readings never go backwards and stay comparable across nodes whose clocks are synchronized (the
/// protocol's HLC uses them as its physical part).
/// </summary>
internal sealed class MonotonicClock
{
    private readonly long _originMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly long _originTicks = Stopwatch.GetTimestamp();

    public long NowMs => _originMs + (long)Stopwatch.GetElapsedTime(_originTicks).TotalMilliseconds;
}
