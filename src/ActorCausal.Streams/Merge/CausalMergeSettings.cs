namespace ActorCausal.Streams;

/// <summary>Bounds of <see cref="CausalMerge"/>.</summary>
public sealed record CausalMergeSettings
{
    /// <summary>
    /// How many elements may wait for a dependency at once. Reached while nothing can be emitted and no partition has an
    /// element on its way, the stage fails with <see cref="MissingDependenciesException"/> instead of hanging: a
    /// dependency must arrive within this many elements of what depends on it.
    /// </summary>
    public int MaxBuffered { get; init; } = 10_000;

    /// <summary>
    /// When set, the stage also fails if elements wait and nothing was emitted for this long (a dependency on a partition
    /// that neither delivers it nor sends heartbeats). Null (the default): only the bound and completion decide.
    /// </summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>The defaults: 10,000 waiting elements, no stall timeout.</summary>
    public static CausalMergeSettings Default { get; } = new();

    internal void Validate()
    {
        if (MaxBuffered < 1) throw new ArgumentOutOfRangeException(nameof(MaxBuffered), MaxBuffered, "At least 1.");
        if (StallTimeout is { } t && t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallTimeout), t, "Positive or null.");
    }
}
