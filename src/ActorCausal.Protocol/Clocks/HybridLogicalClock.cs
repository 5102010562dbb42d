namespace ActorCausal.Protocol.Clocks;

/// <summary>
/// Hybrid logical clock (Kulkarni et al., 2014). Physical time is passed in by the caller; the clock never reads it.
/// A remote reading further ahead of local physical time than <see cref="MaxSkewMs"/> is reported and not merged,
/// so one peer with a bad clock cannot drag every other clock forward.
/// </summary>
public sealed class HybridLogicalClock
{
    /// <summary>A clock at zero that refuses to merge remote readings more than <paramref name="maxSkewMs"/> ahead of local time.</summary>
    public HybridLogicalClock(long maxSkewMs)
    {
        if (maxSkewMs <= 0) throw new ArgumentOutOfRangeException(nameof(maxSkewMs), maxSkewMs, "The skew bound must be positive.");
        MaxSkewMs = maxSkewMs;
    }

    /// <summary>How far ahead of local physical time a remote reading may be and still be merged.</summary>
    public long MaxSkewMs { get; }

    /// <summary>The latest timestamp this clock gave or merged.</summary>
    public HlcTimestamp Current { get; private set; }

    /// <summary>Send (or local event) rule: returns the timestamp to stamp on the outgoing message.</summary>
    public HlcTimestamp Send(long physicalNowMs)
    {
        var c = Current;
        Current = physicalNowMs > c.WallMs ? new HlcTimestamp(physicalNowMs, 0) : new HlcTimestamp(c.WallMs, c.Logical + 1);
        return Current;
    }

    /// <summary>Receive rule. Returns the new local reading and, when the remote is too far ahead, by how much.</summary>
    public HlcReceiveResult Receive(HlcTimestamp remote, long physicalNowMs)
    {
        var skew = remote.WallMs - physicalNowMs;
        if (skew > MaxSkewMs)
        {
            Send(physicalNowMs);
            return new HlcReceiveResult(Current, skew);
        }
        var local = Current;
        var wall = Math.Max(Math.Max(local.WallMs, remote.WallMs), physicalNowMs);
        int logical;
        if (wall == local.WallMs && wall == remote.WallMs) logical = Math.Max(local.Logical, remote.Logical) + 1;
        else if (wall == local.WallMs) logical = local.Logical + 1;
        else if (wall == remote.WallMs) logical = remote.Logical + 1;
        else logical = 0;
        Current = new HlcTimestamp(wall, logical);
        return new HlcReceiveResult(Current, 0);
    }
}

/// <summary>The outcome of <see cref="HybridLogicalClock.Receive"/>: <see cref="SkewMs"/> &gt; 0 means the remote exceeded the bound and was not merged.</summary>
public readonly record struct HlcReceiveResult(HlcTimestamp Timestamp, long SkewMs)
{
    /// <summary>True when the remote reading exceeded the skew bound and was not merged.</summary>
    public bool SkewExceeded => SkewMs > 0;
}
