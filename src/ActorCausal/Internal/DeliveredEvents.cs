using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Internal;

/// <summary>
/// The protocol's <see cref="Deliver"/> as the subscriber's <see cref="Delivered"/>: the payload as sent on this node, or
/// deserialized; one that cannot be is delivered as <see cref="UndeserializablePayload"/>, logged and counted.
/// </summary>
internal sealed class DeliveredEvents(string group, Func<SerializedPayload, object> deserialize, ILoggingAdapter log)
{
    public long PayloadFailures { get; private set; }

    /// <summary><paramref name="deliver"/> from the node at <paramref name="senderAddress"/>; <paramref name="view"/> names the sender in a log line.</summary>
    public Delivered Of(Deliver deliver, Address senderAddress, ImmutableArray<MemberId> view)
    {
        var m = deliver.Message;
        var payload = m.Payload is SerializedPayload serialized ? serialized.Original ?? Deserialize(m, serialized, view) : m.Payload;
        return new Delivered(group, payload, deliver.Sender, senderAddress, m.Id, m.Clock, m.Time, m.ViewId, m.RequestedOrder,
            m.DependsOn.IsDefault ? ImmutableArray<MessageId>.Empty : m.DependsOn);
    }

    private object Deserialize(DataMessage m, SerializedPayload serialized, ImmutableArray<MemberId> view)
    {
        try
        {
            return deserialize(serialized);
        }
        catch (Exception e)
        {
            PayloadFailures++;
            log.Error(e, "Group {0}: the payload of {1} from {2} (serializer {3}, manifest '{4}', {5} bytes) could not be deserialized; it is delivered as UndeserializablePayload.",
                group, m.Id, view.Length > m.Sender ? view[m.Sender] : default, serialized.SerializerId, serialized.Manifest, serialized.Bytes.Length);
            return new UndeserializablePayload(serialized.SerializerId, serialized.Manifest, serialized.Bytes, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
