namespace ActorCausal.Streams;

/// <summary>
/// What one partition source gives <see cref="CausalMerge"/>: a stamped element at an offset, or a heartbeat saying the
/// partition has nothing below <see cref="Offset"/> that was not given yet (an idle partition's position, so its commit
/// point advances and a stage waiting on a missing dependency can tell an idle partition from a slow one).
/// </summary>
/// <param name="Offset">The element's offset in its partition; for a heartbeat, the partition's position (the next offset).</param>
/// <param name="Element">The stamped element; null for a heartbeat.</param>
public sealed record PartitionRecord<T>(long Offset, Stamped<T>? Element)
{
    /// <summary>True for a heartbeat (no element).</summary>
    public bool IsHeartbeat => Element is null;

    /// <summary>A heartbeat: the partition is at <paramref name="position"/> and has nothing more to give now.</summary>
    public static PartitionRecord<T> Heartbeat(long position) => new(position, null);
}
