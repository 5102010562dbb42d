using System.Collections.Immutable;

namespace ActorCausal.Streams;

/// <summary>
/// An element stamped by <see cref="CausalClock"/> (or <see cref="CausalStamp"/>): its id and what it depends on.
/// <see cref="CausalMerge"/> emits it only after its producer's previous element and after every dependency.
/// </summary>
/// <param name="Id">The producer and the element's sequence number there.</param>
/// <param name="DependsOn">
/// Beyond the producer's previous element (always implied): each entry <c>(q, s)</c> requires q's first s elements.
/// A vector-clock stamp lists only the entries of the producer's clock that grew since its previous element (the rest
/// are implied through that element), so a stamp stays small however many producers there are.
/// </param>
/// <param name="Value">The element.</param>
public sealed record Stamped<T>(CausalId Id, ImmutableArray<CausalId> DependsOn, T Value);
