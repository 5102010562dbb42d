namespace ActorCausal.Protocol.Messages;

/// <summary>An ISIS priority: a number, with the proposing member's rank as tie-breaker. Larger sorts later.</summary>
public readonly record struct Priority(long Number, int Rank) : IComparable<Priority>
{
    public int CompareTo(Priority other)
    {
        var c = Number.CompareTo(other.Number);
        return c != 0 ? c : Rank.CompareTo(other.Rank);
    }

    public static bool operator <(Priority a, Priority b) => a.CompareTo(b) < 0;
    public static bool operator >(Priority a, Priority b) => a.CompareTo(b) > 0;
    public static bool operator <=(Priority a, Priority b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Priority a, Priority b) => a.CompareTo(b) >= 0;
    public static Priority Max(Priority a, Priority b) => a >= b ? a : b;

    public override string ToString() => $"{Number}/{Rank}";
}
