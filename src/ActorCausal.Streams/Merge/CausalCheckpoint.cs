using System.Collections.Immutable;

namespace ActorCausal.Streams;

/// <summary>
/// Where a restarted <see cref="CausalMerge"/> resumes: per partition the commit point (re-read from there) and per
/// producer how many of its elements were emitted (those are skipped if read again). Elements are emitted in FIFO order
/// per producer, so these counts say exactly what was emitted above the commit points: a resumed stage emits nothing
/// twice and loses nothing.
/// </summary>
/// <param name="SafeOffsets">Per partition, the offset to resume from.</param>
/// <param name="Delivered">Per producer, how many of its elements were emitted.</param>
public sealed record CausalCheckpoint(ImmutableArray<long> SafeOffsets, ImmutableDictionary<string, long> Delivered)
{
    /// <summary>Nothing emitted yet: every partition from offset 0.</summary>
    public static CausalCheckpoint Start(int partitions) =>
        new(ImmutableArray.CreateRange(Enumerable.Repeat(0L, partitions)), ImmutableDictionary<string, long>.Empty);

    /// <summary>This checkpoint after <paramref name="merged"/> was processed (fold it over what the consumer handled).</summary>
    public CausalCheckpoint Advance<T>(CausalMerged<T> merged)
    {
        ArgumentNullException.ThrowIfNull(merged);
        var id = merged.Element.Id;
        var offsets = merged.SafeOffset > SafeOffsets[merged.Partition] ? SafeOffsets.SetItem(merged.Partition, merged.SafeOffset) : SafeOffsets;
        var delivered = Delivered.GetValueOrDefault(id.Producer) < id.Sequence ? Delivered.SetItem(id.Producer, id.Sequence) : Delivered;
        return new CausalCheckpoint(offsets, delivered);
    }
}
