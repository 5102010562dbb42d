namespace ActorCausal.Streams;

/// <summary>An element <see cref="CausalMerge"/> emits, in causal order, with its source position and its partition's commit point.</summary>
/// <param name="Partition">The index of the partition source it came from.</param>
/// <param name="Offset">Its offset in that partition.</param>
/// <param name="Element">The stamped element.</param>
/// <param name="SafeOffset">
/// The partition's commit point once this element is emitted: every element of the partition below this offset was
/// emitted (or skipped as already emitted); a consumer resumes the partition from it (Kafka's committed offset).
/// </param>
public sealed record CausalMerged<T>(int Partition, long Offset, Stamped<T> Element, long SafeOffset);
