using System.Runtime.Serialization;
using ActorCausal.Protocol.Messages;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;

namespace ActorCausal.Serialization;

/// <summary>
/// Protobuf serializer of ActorCausal's messages: the batch envelope, the join handshake and every protocol message
/// (<see cref="ProtocolMessage"/>). Bound in the embedded reference.conf, as Akka.Cluster binds its own messages.
/// User payloads inside data messages stay in the form Akka serialization gave them (<see cref="SerializedPayload"/>);
/// they are not deserialized here. Malformed bytes raise a <see cref="SerializationException"/> that says what was wrong.
/// </summary>
public sealed class CausalGroupsSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer identifier (also set in reference.conf under akka.actor.serialization-identifiers).</summary>
    public const int SerializerIdentifier = 6200;

    private readonly ProtoMapping _mapping;
    private readonly bool _compactEnvelopes;
    private long _malformed;

    /// <summary>Created by Akka serialization from the <c>akka.actor.serializers</c> binding in reference.conf.</summary>
    public CausalGroupsSerializer(ExtendedActorSystem system) : base(system)
    {
        _mapping = new ProtoMapping(payload => PayloadSerialization.Serialize(system.Serialization, payload));
        _compactEnvelopes = CausalGroupsSettings.Create(system).Batching.CompactEnvelopes;
    }

    /// <summary>Frames this serializer refused to read (each also raised the <see cref="SerializationException"/> that Akka.Remote logs).</summary>
    internal long MalformedFrames => Interlocked.Read(ref _malformed);

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => Row(o).Manifest;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) =>
        obj is GroupEnvelope envelope ? SharedEnvelopeBytes.Of(envelope, ToEnvelopeBytes) : Row(obj).ToBinary(_mapping, obj);

    private byte[] ToEnvelopeBytes(GroupEnvelope envelope)
    {
        var bytes = Row(envelope).ToBinary(_mapping, envelope);
        if (WireStats.Enabled) WireStats.Count(bytes);
        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            var row = WireTypes.WithManifest(manifest) ?? throw new WireFormatException($"unknown manifest '{manifest}'");
            return row.FromBinary(_mapping, bytes);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or WireFormatException or ArgumentException or OverflowException)
        {
            Interlocked.Increment(ref _malformed);
            throw new SerializationException(
                $"{nameof(CausalGroupsSerializer)} could not deserialize a '{manifest}' message of {bytes.Length} bytes: {e.Message}", e);
        }
    }

    private WireType Row(object? message) =>
        WireTypes.ToWrite(message, _compactEnvelopes) ?? throw new SerializationException($"{nameof(CausalGroupsSerializer)} cannot serialize {message?.GetType().FullName ?? "null"}.");
}

/// <summary>A payload whose bytes do not deserialize (found by <c>actorcausal.verify-payloads</c>).</summary>
internal sealed class PayloadRoundTripException(string message, Exception inner) : Exception(message, inner);

/// <summary>User payloads through Akka serialization: serializer id, manifest and bytes.</summary>
internal static class PayloadSerialization
{
    /// <summary>
    /// Serializes <paramref name="payload"/> with the serializer Akka binds to its type. Throws when there is none or it
    /// fails; with <paramref name="verify"/>, also when the bytes do not deserialize (a <see cref="PayloadRoundTripException"/>).
    /// </summary>
    public static SerializedPayload Serialize(Akka.Serialization.Serialization serialization, object payload, bool verify = false)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload is SerializedPayload already) return already;
        var serializer = serialization.FindSerializerFor(payload);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, payload);
        var bytes = serializer.ToBinary(payload);
        var serialized = new SerializedPayload(serializer.Identifier, manifest, bytes) { Original = payload };
        if (verify)
        {
            try
            {
                Deserialize(serialization, serialized);
            }
            catch (Exception e)
            {
                throw new PayloadRoundTripException(
                    $"serializes (serializer {serializer.Identifier}, manifest '{manifest}', {bytes.Length} bytes) but could not be deserialized: {e.GetType().Name}: {e.Message}", e);
            }
        }
        return serialized;
    }

    /// <summary>The refusal detail for an exception of <see cref="Serialize"/>.</summary>
    public static string Describe(Exception e) => e is PayloadRoundTripException ? e.Message : $"could not be serialized: {e.Message}";

    /// <summary>Deserializes a payload with the serializer it names.</summary>
    public static object Deserialize(Akka.Serialization.Serialization serialization, SerializedPayload payload)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload.Bytes, out var segment)
            && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.Bytes.ToArray();
        return serialization.Deserialize(bytes, payload.SerializerId, payload.Manifest);
    }
}
