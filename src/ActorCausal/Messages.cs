using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using Akka.Actor;

namespace ActorCausal;

// ---------------------------------------------------------------------------------------------------------------
// Commands to a group actor. CausalGroup wraps them; an actor may also Tell them to CausalGroup.Ref itself, and then
// receives the reply in the group's local order (a BroadcastReply arrives after every Delivered that the group handed
// out before the broadcast, and before every one after it).
// ---------------------------------------------------------------------------------------------------------------

/// <summary>Broadcast <see cref="Payload"/> to the group. Answered with a <see cref="BroadcastReply"/>.</summary>
public sealed partial record Broadcast(object Payload, DeliveryOrder Order, ImmutableArray<MessageId> DependsOn)
{
    /// <summary>Broadcast <paramref name="payload"/> with <paramref name="order"/> and no explicit dependencies.</summary>
    public Broadcast(object payload, DeliveryOrder order = DeliveryOrder.Causal) : this(payload, order, ImmutableArray<MessageId>.Empty) { }
}

/// <summary>Asks for the group's <see cref="GroupStatus"/>.</summary>
public sealed record GetGroupStatus
{
    /// <summary>The one instance.</summary>
    public static GetGroupStatus Instance { get; } = new();
}

/// <summary>Leave the group gracefully: the member's messages are delivered, then it stops. Answered with <see cref="GroupStopped"/>.</summary>
public sealed record LeaveGroup
{
    /// <summary>The one instance.</summary>
    public static LeaveGroup Instance { get; } = new();
}

/// <summary>Why a broadcast was refused.</summary>
public enum RefusalReason
{
    /// <summary>Not refused.</summary>
    None = 0,
    /// <summary>Too many of this member's messages are not yet delivered everywhere; retry after deliveries catch up.</summary>
    BackPressure,
    /// <summary>
    /// This node is not a member of the group's view (the handle's broadcasts before admission are held instead; see
    /// <see cref="CausalGroup.Admitted"/>).
    /// </summary>
    NotAMember,
    /// <summary>The member left, was downed or was excluded; it sends nothing more.</summary>
    Stopped,
    /// <summary>Akka serialization could not serialize the payload (no serializer bound, or the serializer threw).</summary>
    PayloadNotSerializable,
    /// <summary>An explicit dependency is not a message this member has delivered.</summary>
    UnknownDependency,
    /// <summary>The request itself was invalid (for example dependencies with an order other than explicit).</summary>
    InvalidRequest,
    /// <summary>This handle's <see cref="CausalGroups.Join(string, IActorRef, JoinOptions)"/> was refused (the group is already joined on this node, or the actor system is shutting down).</summary>
    NotJoined,
}

/// <summary>What became of a broadcast.</summary>
public enum BroadcastOutcome
{
    /// <summary>Sent now with <see cref="BroadcastReply.Id"/>.</summary>
    Sent,
    /// <summary>
    /// Accepted before this node was admitted to the group, or during a view change; it goes out in the next view and the
    /// subscriber gets <see cref="BroadcastReleased"/> with its id and the same <see cref="BroadcastReply.Ticket"/>
    /// (negative for a broadcast held until admission). Not sent if the member stops first (the subscriber gets <see cref="GroupStopped"/>).
    /// </summary>
    Held,
    /// <summary>Refused; see <see cref="BroadcastReply.Reason"/>.</summary>
    Refused,
}

/// <summary>The answer to a <see cref="ActorCausal.Broadcast"/>.</summary>
public sealed record BroadcastReply(string Group, BroadcastOutcome Outcome, MessageId Id, long Ticket, RefusalReason Reason, string? Detail)
{
    /// <summary>Sent now or held for the next view (not refused).</summary>
    public bool Accepted => Outcome != BroadcastOutcome.Refused;

    /// <summary>
    /// For <see cref="BroadcastOutcome.Sent"/>: the delivery token of this message and everything this member had delivered
    /// before it, for <see cref="CausalGroup.WaitForDelivered"/> on any member (read-your-writes); null when held or refused
    /// (a held broadcast's token comes with its <see cref="BroadcastReleased"/>).
    /// </summary>
    public DeliveryToken? Token { get; init; }

    /// <summary>The outcome in words, for logs.</summary>
    public override string ToString() => Outcome switch
    {
        BroadcastOutcome.Sent => $"sent {Id}",
        BroadcastOutcome.Held => $"held (ticket {Ticket})",
        _ => $"refused: {Reason} {Detail}",
    };

    internal static BroadcastReply Sent(string group, MessageId id) => new(group, BroadcastOutcome.Sent, id, 0, RefusalReason.None, null);
    internal static BroadcastReply Held(string group, long ticket) => new(group, BroadcastOutcome.Held, default, ticket, RefusalReason.None, null);
    internal static BroadcastReply Refused(string group, RefusalReason reason, string detail) => new(group, BroadcastOutcome.Refused, default, 0, reason, detail);
}

// ---------------------------------------------------------------------------------------------------------------
// What the subscriber receives, in the member's local order.
// ---------------------------------------------------------------------------------------------------------------

/// <summary>Something the group tells its subscriber.</summary>
public interface IGroupEvent
{
    /// <summary>The group the event is about.</summary>
    string Group { get; }
}

/// <summary>
/// A message delivered here, in order. <see cref="Payload"/> is the deserialized object, or an
/// <see cref="UndeserializablePayload"/> when this node could not deserialize it (the delivery itself still counts).
/// </summary>
public sealed partial record Delivered(
    string Group,
    object Payload,
    MemberId Sender,
    Address SenderAddress,
    MessageId MessageId,
    VectorClock Clock,
    HlcTimestamp Time,
    long ViewId,
    DeliveryOrder Order,
    ImmutableArray<MessageId> DependsOn) : IGroupEvent;

/// <summary>A payload this node could not deserialize: the raw form and the error. It was delivered in order all the same.</summary>
public sealed partial record UndeserializablePayload(int SerializerId, string Manifest, ReadOnlyMemory<byte> Bytes, string Error);

/// <summary>A new view is installed: every message of the previous view that will ever be delivered here was delivered before this.</summary>
public sealed partial record ViewChanged(string Group, GroupView View, ImmutableArray<MemberId> Joined, ImmutableArray<MemberId> Left) : IGroupEvent;

/// <summary>Akka's failure detector marked a member of the view unreachable. No view change (yet).</summary>
public sealed record MemberSuspected(string Group, MemberId Member) : IGroupEvent;

/// <summary>A suspected member is reachable again.</summary>
public sealed record MemberReachable(string Group, MemberId Member) : IGroupEvent;

/// <summary>Why a group member on this node delivers nothing more.</summary>
public enum GroupStopReason
{
    /// <summary>It left (<see cref="CausalGroup.Leave"/>, its subscriber terminated, or its node left the cluster) and the group installed a view without it.</summary>
    Left,
    /// <summary>The cluster downed this node (the losing side of a partition, or a wrong removal).</summary>
    Downed,
    /// <summary>The group installed a view without this member although it never asked to leave.</summary>
    ExcludedFromView,
    /// <summary>The group actor failed (an exception) or was stopped before the member left; see the detail.</summary>
    Failed,
}

/// <summary>This member delivers nothing more: it left, its node was downed, the group installed a view without it, or its actor failed.</summary>
public sealed record GroupStopped(string Group, GroupStopReason Reason, string Detail) : IGroupEvent;

/// <summary>A broadcast answered <see cref="BroadcastOutcome.Held"/> went out in the new view with <see cref="Id"/>.</summary>
public sealed record BroadcastReleased(string Group, long Ticket, MessageId Id) : IGroupEvent
{
    /// <summary>The delivery token of the released message and everything this member had delivered before it (see <see cref="BroadcastReply.Token"/>).</summary>
    public DeliveryToken? Token { get; init; }
}

/// <summary>
/// A member joins with view <see cref="ViewId"/>: reply to the sender with a <see cref="SnapshotResponse"/> holding the
/// application state as it stands after every <see cref="Delivered"/> received before this request. A subscriber that
/// does not answer within <c>actorcausal.snapshot-timeout</c> gives an empty snapshot.
/// </summary>
public sealed record SnapshotRequest(string Group, long ViewId) : IGroupEvent
{
    /// <summary>How many <see cref="Delivered"/> this member handed its subscriber before this request: the state to snapshot is the one after exactly these.</summary>
    public long DeliveredBefore { get; init; }
}

/// <summary>The answer to a <see cref="SnapshotRequest"/>.</summary>
public sealed partial record SnapshotResponse(long ViewId, ReadOnlyMemory<byte> Snapshot);

/// <summary>
/// This member has just been admitted: replace the application state with <see cref="Snapshot"/> (taken by a member at
/// the boundary of view <see cref="ViewId"/>) before the deliveries that follow. Sent before the first
/// <see cref="ViewChanged"/>.
/// </summary>
public sealed partial record InstallSnapshot(string Group, long ViewId, ReadOnlyMemory<byte> Snapshot) : IGroupEvent;

/// <summary>
/// Two groups of this name that formed apart (a partition at start-up, lost announcements) became one: merge
/// <see cref="Snapshot"/>, the application state of the other side at the end of its view <see cref="OtherSide"/>, into
/// this member's state. It is not a replacement: the subscriber keeps what it delivered and adds what the other side
/// delivered (the state a <see cref="SnapshotRequest"/> answer holds there). Sent after every delivery of the view
/// before <see cref="ViewId"/> and before the <see cref="ViewChanged"/> of <see cref="ViewId"/>, at every member of the
/// merged group that was not on that side: the members that were already in the group get the joining side's state, the
/// members of the joining side get the group's state. Deliveries from <see cref="ViewId"/> on are in the merged group.
/// </summary>
public sealed partial record GroupsMerged(string Group, long ViewId, GroupView OtherSide, ReadOnlyMemory<byte> Snapshot) : IGroupEvent;
