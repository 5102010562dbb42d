using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Serialization;

/// <summary>Marker of the runtime's own messages between group actors (bound to <see cref="CausalGroupsSerializer"/>).</summary>
internal interface IWireMessage;

/// <summary>
/// What one group actor sends another: one or more protocol messages bound for the same member (a batch), and the
/// member that sends them. The receiver checks <see cref="From"/> against the transport sender's address.
/// </summary>
internal sealed record GroupEnvelope(MemberId From, ImmutableArray<ProtocolMessage> Messages) : IWireMessage;

/// <summary>A group actor waiting to be admitted announces itself to the group actors of the other Up nodes.</summary>
internal sealed record JoinRequest(MemberId Joiner) : IWireMessage;

/// <summary>
/// A coordinator's merge probe (GroupActor.Merge.cs) to the group actor of an Up node outside its view. Such a node may
/// not run the group at all: a probe that finds no actor is a suppressed dead letter (not logged), like any discovery.
/// </summary>
internal sealed record GroupProbe(MemberId From, MergeProbe Probe) : IWireMessage, Akka.Event.IDeadLetterSuppression;

/// <summary>A member's answer to a <see cref="JoinRequest"/>: the group exists in view <see cref="ViewId"/>, so the joiner must not found it.</summary>
internal sealed record JoinAck(MemberId Member, long ViewId) : IWireMessage;

/// <summary>
/// Piece <see cref="Index"/> of <see cref="Count"/> of one protocol message too large for one remote message: its
/// serialized bytes (<see cref="Manifest"/>, <see cref="TotalBytes"/> in all) cut into pieces that travel in order.
/// </summary>
internal sealed record GroupChunk(MemberId From, long Transfer, int Index, int Count, long TotalBytes, string Manifest, ReadOnlyMemory<byte> Data) : IWireMessage;

/// <summary>
/// A user payload in its serialized form: Akka serializer id, manifest and bytes. The group actor serializes a payload
/// once per broadcast and hands this object to the protocol, so every recipient (and every retransmission) reuses the
/// same bytes; it is deserialized at delivery.
/// </summary>
public sealed record SerializedPayload(int SerializerId, string Manifest, ReadOnlyMemory<byte> Bytes)
{
    /// <summary>The object these bytes were made from, on the node that broadcast it (never sent): its own delivery needs no deserialization.</summary>
    internal object? Original { get; init; }

    /// <summary>Equal when the serializer, manifest and bytes are.</summary>
    public bool Equals(SerializedPayload? other) =>
        other is not null && SerializerId == other.SerializerId && Manifest == other.Manifest && Bytes.Span.SequenceEqual(other.Bytes.Span);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SerializerId, Manifest, Bytes.Length);

    /// <summary>A summary for logs (not the bytes).</summary>
    public override string ToString() => $"SerializedPayload(serializer {SerializerId}, manifest '{Manifest}', {Bytes.Length} bytes)";
}
