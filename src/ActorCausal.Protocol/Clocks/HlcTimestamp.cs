namespace ActorCausal.Protocol.Clocks;

/// <summary>A hybrid logical clock reading: physical milliseconds plus a logical counter for events within one millisecond.</summary>
public readonly record struct HlcTimestamp(long WallMs, int Logical) : IComparable<HlcTimestamp>
{
    public int CompareTo(HlcTimestamp other)
    {
        var c = WallMs.CompareTo(other.WallMs);
        return c != 0 ? c : Logical.CompareTo(other.Logical);
    }

    public static bool operator <(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) < 0;
    public static bool operator >(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(HlcTimestamp a, HlcTimestamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{WallMs}.{Logical}";
}
