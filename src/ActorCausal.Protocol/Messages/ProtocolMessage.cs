using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;

namespace ActorCausal.Protocol.Messages;

/// <summary>A message members exchange. Every one names the view it belongs to.</summary>
public abstract record ProtocolMessage(long ViewId);

/// <summary>
/// A broadcast. <see cref="Clock"/> is the sender's causal knowledge when it sent (entry Sender = Sequence);
/// <see cref="Acks"/> is what the sender had delivered then (piggy-backed stability information).
/// A retransmission carries the original unchanged, whoever relays it.
/// </summary>
public sealed record DataMessage(
    long ViewId,
    int Sender,
    long Sequence,
    DeliveryOrder Order,
    VectorClock Clock,
    VectorClock Acks,
    HlcTimestamp Time,
    ImmutableArray<MessageId> DependsOn,
    object Payload) : ProtocolMessage(ViewId)
{
    /// <summary>The message's id: view, sender and sequence number.</summary>
    public MessageId Id => new(ViewId, Sender, Sequence);
}

/// <summary>Asks the receiver to retransmit messages <see cref="From"/>..<see cref="To"/> (inclusive) of <see cref="Origin"/>.</summary>
public sealed record Nak(long ViewId, int Origin, long From, long To) : ProtocolMessage(ViewId);

/// <summary>What the sending member has delivered (entry k = messages of rank k), sent on a timer when idle.</summary>
public sealed record StabilityGossip(long ViewId, VectorClock Delivered) : ProtocolMessage(ViewId);

/// <summary>
/// A member's proposed ISIS priority for a total-order message. Three-step: sent to the message's sender;
/// two-step: sent to every member. <see cref="ReplyRequested"/> asks the receiver for its own proposal (or the final).
/// </summary>
public sealed record Proposal(long ViewId, MessageId Message, Priority Priority, bool ReplyRequested) : ProtocolMessage(ViewId);

/// <summary>One proposal inside a <see cref="ProposalBatch"/>.</summary>
public readonly record struct ProposedPriority(MessageId Message, Priority Priority);

/// <summary>Several proposals of one member for the same recipient(s), made while handling one input (a burst).</summary>
public sealed record ProposalBatch(long ViewId, ImmutableArray<ProposedPriority> Items) : ProtocolMessage(ViewId);

/// <summary>The agreed (final) priority of a total-order message.</summary>
public sealed record FinalPriority(long ViewId, MessageId Message, Priority Priority) : ProtocolMessage(ViewId);
