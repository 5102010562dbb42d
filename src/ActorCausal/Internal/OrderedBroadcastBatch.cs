namespace ActorCausal.Internal;

/// <summary>
/// Consecutive <see cref="OrderedBroadcast"/>s of one sender in one message (the Streams flow sends what it took in one
/// turn): each handled exactly as if told alone, in order, answered in <see cref="OrderedBroadcastReplies"/>.
/// </summary>
internal sealed record OrderedBroadcastBatch(IReadOnlyList<Broadcast> Requests);
