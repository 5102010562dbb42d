namespace ActorCausal.Protocol.Internal;

/// <summary>
/// What this member last told each sender about that sender's own messages (the sender's entry of the delivered vector
/// it reported: piggy-backed on its data, gossiped, or in a report of its own), and when a sender is due a report: once
/// this member reported a quarter of the unstable bound (<see cref="Every"/>) more of the sender's messages delivered than the sender was last told. A
/// sender frees its unstable buffer, and so gets room under its bound, only when every member told it, so a report every
/// quarter of the bound keeps a writer that sends faster than the gossip interval from waiting for the gossip.
/// One per view; entries only grow.
/// </summary>
internal sealed class StabilityReports
{
    /// <summary>Reports per unstable bound: a sender is told after each quarter of its bound was delivered here.</summary>
    public const int PerUnstableBound = 4;

    private readonly long[] _told;
    private readonly int _rank;

    /// <summary>Before the first view (a joining member): no members.</summary>
    public static readonly StabilityReports None = new(0, -1);

    public StabilityReports(int size, int rank)
    {
        _told = new long[size];
        _rank = rank;
    }

    /// <summary>How many more of a sender's messages delivered here make it due a report, for an unstable bound of <paramref name="maxUnstable"/>.</summary>
    public static long Every(int maxUnstable) => Math.Max(1, maxUnstable / PerUnstableBound);

    /// <summary>Every member was sent <paramref name="reported"/> (data acks or gossip to all).</summary>
    public void ToldAll(ReadOnlySpan<long> reported)
    {
        for (var s = 0; s < _told.Length && s < reported.Length; s++)
        {
            if (reported[s] > _told[s]) _told[s] = reported[s];
        }
    }

    /// <summary>Sender <paramref name="sender"/> was told that <paramref name="delivered"/> of its messages are delivered here.</summary>
    public void Told(int sender, long delivered)
    {
        if (delivered > _told[sender]) _told[sender] = delivered;
    }

    /// <summary>What sender <paramref name="sender"/> was last told of its own messages delivered here.</summary>
    public long LastTold(int sender) => _told[sender];

    /// <summary>Whether <paramref name="sender"/> (not this member) should be told <paramref name="reported"/>, this member's report for it now.</summary>
    public bool Due(int sender, long reported, long every) => sender != _rank && reported - _told[sender] >= every;

    /// <summary>Whether any sender is due a report, given this member's reported vector.</summary>
    public bool AnyDue(ReadOnlySpan<long> reported, long every)
    {
        for (var s = 0; s < _told.Length && s < reported.Length; s++)
        {
            if (Due(s, reported[s], every)) return true;
        }
        return false;
    }
}
