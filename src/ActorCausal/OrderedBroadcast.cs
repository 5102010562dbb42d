namespace ActorCausal;

/// <summary>
/// A <see cref="ActorCausal.Broadcast"/> in its sender's order, for a writer that keeps many broadcasts in flight with
/// Tell (as <c>CausalGroupFlow</c> does). Where a plain <see cref="ActorCausal.Broadcast"/> would be refused
/// <see cref="RefusalReason.BackPressure"/> or <see cref="RefusalReason.NotAMember"/>, the group actor queues it instead,
/// and with it every later <see cref="OrderedBroadcast"/> of the same sender, and sends the queue, in order, as soon as
/// the member has room (stability advanced, the member was admitted). So the broadcast order is the order the sender
/// told them in, nothing is refused for a reason a retry would cure, and the sender needs no retry timer. Each is
/// answered with one <see cref="BroadcastReply"/> (<see cref="BroadcastOutcome.Sent"/>, <see cref="BroadcastOutcome.Held"/>,
/// or refused for another reason), in the order told, in batches (<see cref="OrderedBroadcastReplies"/>): one message
/// per turn of the group actor's mailbox rather than one per broadcast (so, unlike a told <see cref="ActorCausal.Broadcast"/>'s
/// reply, an answer may reach a subscriber after the delivery of its own message). A sender may have at most <see cref="MaxQueued"/> queued; past
/// that it is refused <see cref="RefusalReason.InvalidRequest"/> (logged and counted in
/// <see cref="GroupStatus.InputsRejected"/>). When the member stops, what is queued is refused
/// <see cref="RefusalReason.Stopped"/>. Local only: the sender must be on the group actor's node.
/// </summary>
public sealed record OrderedBroadcast(Broadcast Request)
{
    /// <summary>The most broadcasts of one sender the group actor queues (10,000); keep fewer than that in flight.</summary>
    public const int MaxQueued = 10_000;
}

/// <summary>
/// Drops this sender's queued <see cref="OrderedBroadcast"/>s (those not yet sent; they are not answered). A writer
/// that stops tells it so that nothing it no longer waits for goes out later.
/// </summary>
public sealed record DropOrderedBroadcasts
{
    /// <summary>The one instance.</summary>
    public static DropOrderedBroadcasts Instance { get; } = new();
}

/// <summary>The answers to consecutive <see cref="OrderedBroadcast"/>s of one sender, in the order they were told.</summary>
public sealed record OrderedBroadcastReplies(IReadOnlyList<BroadcastReply> Replies);
