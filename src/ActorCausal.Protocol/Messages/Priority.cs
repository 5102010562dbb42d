namespace ActorCausal.Protocol.Messages;

/// <summary>An ISIS priority: a number, with the proposing member's rank as tie-breaker. Larger sorts later.</summary>
public readonly record struct Priority(long Number, int Rank) : IComparable<Priority>
{
    /// <summary>Orders by number, then by rank.</summary>
    public int CompareTo(Priority other)
    {
        var c = Number.CompareTo(other.Number);
        return c != 0 ? c : Rank.CompareTo(other.Rank);
    }

    /// <summary>True when <paramref name="a"/> sorts before <paramref name="b"/>.</summary>
    public static bool operator <(Priority a, Priority b) => a.CompareTo(b) < 0;
    /// <summary>True when <paramref name="a"/> sorts after <paramref name="b"/>.</summary>
    public static bool operator >(Priority a, Priority b) => a.CompareTo(b) > 0;
    /// <summary>True when <paramref name="a"/> does not sort after <paramref name="b"/>.</summary>
    public static bool operator <=(Priority a, Priority b) => a.CompareTo(b) <= 0;
    /// <summary>True when <paramref name="a"/> does not sort before <paramref name="b"/>.</summary>
    public static bool operator >=(Priority a, Priority b) => a.CompareTo(b) >= 0;
    /// <summary>The later of two priorities.</summary>
    public static Priority Max(Priority a, Priority b) => a >= b ? a : b;

    /// <summary>number/rank, for logs.</summary>
    public override string ToString() => $"{Number}/{Rank}";
}
