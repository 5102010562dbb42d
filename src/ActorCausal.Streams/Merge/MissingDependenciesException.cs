namespace ActorCausal.Streams;

/// <summary>
/// <see cref="CausalMerge"/> failed because elements it holds depend on elements that did not arrive: every partition
/// completed without them, the buffer bound was reached, or nothing could be emitted for the stall timeout.
/// </summary>
public sealed class MissingDependenciesException : Exception
{
    /// <summary>A failure naming <paramref name="missing"/> (for each producer waited on, its first element not seen).</summary>
    public MissingDependenciesException(IReadOnlyList<CausalId> missing, string reason)
        : base($"CausalMerge: {reason}; missing: {string.Join(", ", missing)}")
    {
        Missing = missing;
    }

    /// <summary>For each producer some held element waits on, the first of its elements that was never emitted.</summary>
    public IReadOnlyList<CausalId> Missing { get; }
}
