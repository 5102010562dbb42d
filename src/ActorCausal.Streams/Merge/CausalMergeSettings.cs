namespace ActorCausal.Streams;

/// <summary>Bounds of <see cref="CausalMerge"/>.</summary>
public sealed record CausalMergeSettings
{
    /// <summary>
    /// How many elements may wait for a dependency at once, shared equally by the partitions: a partition whose share
    /// waits is not read further (back-pressure) until some are released, so a partition cannot run ahead of those it
    /// depends on. When every open partition's share is full and nothing can be emitted, the stage fails with
    /// <see cref="MissingDependenciesException"/> instead of hanging: a dependency must arrive within
    /// <c>MaxBuffered / partitions</c> elements of its partition's reading position.
    /// </summary>
    public int MaxBuffered { get; init; } = 10_000;

    /// <summary>
    /// The stage also fails with <see cref="MissingDependenciesException"/> when elements wait, none can be emitted and
    /// none was for this long: the dependency is on a partition that is idle (it sends heartbeats or nothing) while the
    /// others are blocked on it. One minute by default; null: only the bound and completion decide, and such a stage
    /// waits for as long as the idle partition stays idle.
    /// </summary>
    public TimeSpan? StallTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The defaults: 10,000 waiting elements, a one-minute stall timeout.</summary>
    public static CausalMergeSettings Default { get; } = new();

    internal void Validate()
    {
        if (MaxBuffered < 1) throw new ArgumentOutOfRangeException(nameof(MaxBuffered), MaxBuffered, "At least 1.");
        if (StallTimeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallTimeout), t, "Positive or null.");
    }
}
