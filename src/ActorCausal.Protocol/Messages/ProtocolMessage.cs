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

    /// <summary>
    /// Safe (uniform) delivery: delivered only once every member of the view holds it (and, for total order, its final
    /// priority). Only with <see cref="DeliveryOrder.Causal"/> or <see cref="DeliveryOrder.Total"/>; <see cref="Order"/> stays the base order.
    /// </summary>
    public bool Safe { get; init; }

    /// <summary>The order the broadcast asked for: <see cref="Order"/>, or its safe variant when <see cref="Safe"/>.</summary>
    public DeliveryOrder RequestedOrder => Order.WithSafe(Safe);
}

/// <summary>Asks the receiver to retransmit messages <see cref="From"/>..<see cref="To"/> (inclusive) of <see cref="Origin"/>.</summary>
public sealed record Nak(long ViewId, int Origin, long From, long To) : ProtocolMessage(ViewId);

/// <summary>What the sending member has delivered (entry k = messages of rank k), sent on a timer when idle.</summary>
public sealed record StabilityGossip(long ViewId, VectorClock Delivered) : ProtocolMessage(ViewId)
{
    /// <summary>
    /// The safe-delivery acknowledgement, when present: entry k = how many of rank k's messages (a prefix) the sending member
    /// holds, every total-order one with its final priority. Sent at once when it covers a new safe message, and with the
    /// gossip while safe messages are not yet stable.
    /// </summary>
    public VectorClock? Held { get; init; }
}

/// <summary>
/// A member's proposed ISIS priority for a total-order message. Three-step: sent to the message's sender;
/// two-step: sent to every member. <see cref="ReplyRequested"/> asks the receiver for its own proposal (or the final).
/// </summary>
public sealed record Proposal(long ViewId, MessageId Message, Priority Priority, bool ReplyRequested) : ProtocolMessage(ViewId)
{
    /// <summary>
    /// On an ask (<see cref="ReplyRequested"/>): its number for this message and recipient, from 1. On a reply: the number
    /// of the ask it answers, <see cref="AnswersResentMessage"/> for a three-step proposal sent again because the sender
    /// sent the message again; 0 when sent unasked. Lets the asker time its asks unambiguously (Karn).
    /// </summary>
    public int AskNumber { get; init; }

    /// <summary>The <see cref="AskNumber"/> of a proposal answering a resent message, whose ask carries no number.</summary>
    public const int AnswersResentMessage = -1;
}

/// <summary>One proposal inside a <see cref="ProposalBatch"/>.</summary>
public readonly record struct ProposedPriority(MessageId Message, Priority Priority);

/// <summary>Several proposals of one member for the same recipient(s), made while handling one input (a burst).</summary>
public sealed record ProposalBatch(long ViewId, ImmutableArray<ProposedPriority> Items) : ProtocolMessage(ViewId);

/// <summary>The agreed (final) priority of a total-order message.</summary>
public sealed record FinalPriority(long ViewId, MessageId Message, Priority Priority) : ProtocolMessage(ViewId)
{
    /// <summary>The number of the ask (<see cref="Proposal.AskNumber"/>) this final answers; 0 when sent unasked.</summary>
    public int AskNumber { get; init; }
}
