namespace ActorCausal.Streams;

/// <summary>
/// The id of a stamped element: its producer and its 1-based sequence number there. As a dependency it means "the
/// first <see cref="Sequence"/> elements of <see cref="Producer"/>" (a producer's elements are in FIFO order).
/// </summary>
/// <param name="Producer">The producer's name, unique among the producers whose streams are merged.</param>
/// <param name="Sequence">The element's position in its producer's stream, from 1.</param>
public readonly record struct CausalId(string Producer, long Sequence)
{
    /// <summary>The id for logs: <c>producer#sequence</c>.</summary>
    public override string ToString() => $"{Producer}#{Sequence}";
}
