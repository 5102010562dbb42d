namespace ActorCausal.Protocol.Clocks;

/// <summary>
/// An immutable dense vector clock over the ranks of one view. Entry k counts messages from the member of rank k.
/// Operations that produce a clock allocate one array; the span helpers let hot paths work on a member's own
/// mutable vectors without allocating.
/// </summary>
public sealed class VectorClock : IEquatable<VectorClock>
{
    private readonly long[] _entries;

    private VectorClock(long[] entries) => _entries = entries;

    /// <summary>The number of entries (the view size).</summary>
    public int Dimension => _entries.Length;

    /// <summary>The entry of the member of rank <paramref name="rank"/>.</summary>
    public long this[int rank] => _entries[rank];

    /// <summary>The entries, without copying.</summary>
    public ReadOnlySpan<long> AsSpan() => _entries;

    /// <summary>A clock of <paramref name="dimension"/> zero entries.</summary>
    public static VectorClock Zero(int dimension)
    {
        if (dimension <= 0) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "A vector clock has at least one entry.");
        return new VectorClock(new long[dimension]);
    }

    /// <summary>A clock holding a copy of <paramref name="entries"/>.</summary>
    public static VectorClock Of(ReadOnlySpan<long> entries)
    {
        if (entries.Length == 0) throw new ArgumentException("A vector clock has at least one entry.", nameof(entries));
        foreach (var e in entries)
        {
            if (e < 0) throw new ArgumentException("Vector clock entries are never negative.", nameof(entries));
        }
        return new VectorClock(entries.ToArray());
    }

    /// <summary>A clock holding a copy of <paramref name="entries"/>.</summary>
    public static VectorClock Of(params long[] entries) => Of((ReadOnlySpan<long>)entries);

    /// <summary>Takes ownership of <paramref name="entries"/> without copying; the caller must not change it afterwards.</summary>
    internal static VectorClock Wrap(long[] entries) => new(entries);

    /// <summary>How this clock relates to <paramref name="other"/> (of the same dimension).</summary>
    public CausalRelation Compare(VectorClock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Compare(_entries, other._entries);
    }

    /// <summary>How <paramref name="left"/> relates to <paramref name="right"/> (of the same length).</summary>
    public static CausalRelation Compare(ReadOnlySpan<long> left, ReadOnlySpan<long> right)
    {
        RequireSameDimension(left.Length, right.Length);
        bool less = false, greater = false;
        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] < right[i]) less = true;
            else if (left[i] > right[i]) greater = true;
            if (less && greater) return CausalRelation.Concurrent;
        }
        return less ? CausalRelation.Before : greater ? CausalRelation.After : CausalRelation.Equal;
    }

    /// <summary>True when this clock is strictly before <paramref name="other"/>: every entry &lt;= and at least one &lt;.</summary>
    public bool HappenedBefore(VectorClock other) => Compare(other) == CausalRelation.Before;

    /// <summary>True when neither clock happened-before the other.</summary>
    public bool IsConcurrentWith(VectorClock other) => Compare(other) == CausalRelation.Concurrent;

    /// <summary>The pointwise maximum of the two clocks.</summary>
    public VectorClock Merge(VectorClock other)
    {
        ArgumentNullException.ThrowIfNull(other);
        RequireSameDimension(Dimension, other.Dimension);
        var merged = (long[])_entries.Clone();
        MergeInto(merged, other._entries);
        return new VectorClock(merged);
    }

    /// <summary>A copy with entry <paramref name="rank"/> one higher.</summary>
    public VectorClock Increment(int rank)
    {
        var next = (long[])_entries.Clone();
        next[rank]++;
        return new VectorClock(next);
    }

    /// <summary>target[i] = max(target[i], source[i]).</summary>
    public static void MergeInto(Span<long> target, ReadOnlySpan<long> source)
    {
        RequireSameDimension(target.Length, source.Length);
        for (var i = 0; i < target.Length; i++)
        {
            if (source[i] > target[i]) target[i] = source[i];
        }
    }

    /// <summary>True when left[i] &lt;= right[i] for every i.</summary>
    public static bool LessOrEqual(ReadOnlySpan<long> left, ReadOnlySpan<long> right)
    {
        RequireSameDimension(left.Length, right.Length);
        for (var i = 0; i < left.Length; i++)
        {
            if (left[i] > right[i]) return false;
        }
        return true;
    }

    private static void RequireSameDimension(int left, int right)
    {
        if (left != right)
            throw new ArgumentException($"Vector clocks of different dimensions cannot be compared ({left} vs {right}).");
    }

    /// <summary>Equal when every entry is.</summary>
    public bool Equals(VectorClock? other) => other is not null && _entries.AsSpan().SequenceEqual(other._entries);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is VectorClock other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var e in _entries) hash.Add(e);
        return hash.ToHashCode();
    }

    /// <summary>[a,b,...], for logs.</summary>
    public override string ToString() => "[" + string.Join(",", _entries) + "]";
}
