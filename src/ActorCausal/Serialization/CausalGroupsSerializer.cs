using System.Runtime.Serialization;
using ActorCausal.Protocol.Messages;
using Akka.Actor;
using Akka.Serialization;
using Google.Protobuf;
using W = ActorCausal.Serialization.Proto;

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

    internal const string EnvelopeManifest = "E";
    internal const string JoinRequestManifest = "J";
    internal const string JoinAckManifest = "A";
    internal const string DataManifest = "D";
    internal const string NakManifest = "N";
    internal const string GossipManifest = "G";
    internal const string ProposalManifest = "P";
    internal const string ProposalBatchManifest = "PB";
    internal const string FinalManifest = "F";
    internal const string FlushRequestManifest = "FQ";
    internal const string FlushReportManifest = "FR";
    internal const string FlushPrepareManifest = "FP";
    internal const string FlushPrepareAckManifest = "FA";
    internal const string FlushCommitManifest = "FC";
    internal const string FlushDecisionManifest = "FD";
    internal const string WelcomeManifest = "W";
    internal const string LeaveRequestManifest = "L";
    internal const string ChunkManifest = "C";
    internal const string MergeProbeManifest = "MP";
    internal const string GroupProbeManifest = "GP";
    internal const string MergeRequestManifest = "MQ";
    internal const string MergeAcceptManifest = "MA";
    internal const string MergeOfferManifest = "MO";
    internal const string WelcomeDeclinedManifest = "WD";

    private readonly ProtoMapping _mapping;

    /// <summary>Created by Akka serialization from the <c>akka.actor.serializers</c> binding in reference.conf.</summary>
    public CausalGroupsSerializer(ExtendedActorSystem system) : base(system)
    {
        _mapping = new ProtoMapping(payload => PayloadSerialization.Serialize(system.Serialization, payload));
    }

    /// <inheritdoc />
    public override int Identifier => SerializerIdentifier;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        GroupEnvelope => EnvelopeManifest,
        JoinRequest => JoinRequestManifest,
        JoinAck => JoinAckManifest,
        DataMessage => DataManifest,
        Nak => NakManifest,
        StabilityGossip => GossipManifest,
        Proposal => ProposalManifest,
        ProposalBatch => ProposalBatchManifest,
        FinalPriority => FinalManifest,
        FlushRequest => FlushRequestManifest,
        FlushReport => FlushReportManifest,
        FlushPrepare => FlushPrepareManifest,
        FlushPrepareAck => FlushPrepareAckManifest,
        FlushCommit => FlushCommitManifest,
        FlushDecision => FlushDecisionManifest,
        Welcome => WelcomeManifest,
        LeaveRequest => LeaveRequestManifest,
        GroupChunk => ChunkManifest,
        GroupProbe => GroupProbeManifest,
        MergeProbe => MergeProbeManifest,
        MergeRequest => MergeRequestManifest,
        MergeAccept => MergeAcceptManifest,
        MergeOffer => MergeOfferManifest,
        WelcomeDeclined => WelcomeDeclinedManifest,
        _ => throw new SerializationException($"{nameof(CausalGroupsSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        GroupEnvelope e => _mapping.ToProto(e).ToByteArray(),
        JoinRequest j => new W.JoinRequest { Joiner = ProtoMapping.ToProto(j.Joiner) }.ToByteArray(),
        JoinAck a => new W.JoinAck { Member = ProtoMapping.ToProto(a.Member), ViewId = a.ViewId }.ToByteArray(),
        GroupChunk c => new W.GroupChunk
        {
            From = ProtoMapping.ToProto(c.From), Transfer = c.Transfer, Index = c.Index, Count = c.Count, TotalBytes = c.TotalBytes,
            Manifest = c.Manifest, Data = UnsafeByteOperations.UnsafeWrap(c.Data),
        }.ToByteArray(),
        GroupProbe p => new W.GroupProbe { From = ProtoMapping.ToProto(p.From), Probe = (W.MergeProbe)_mapping.ToProtoSingle(p.Probe) }.ToByteArray(),
        ProtocolMessage m => _mapping.ToProtoSingle(m).ToByteArray(),
        _ => throw new SerializationException($"{nameof(CausalGroupsSerializer)} cannot serialize {obj?.GetType().FullName ?? "null"}."),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return manifest switch
            {
                EnvelopeManifest => _mapping.FromProto(W.GroupEnvelope.Parser.ParseFrom(bytes)),
                JoinRequestManifest => new JoinRequest(_mapping.FromProto(Required(W.JoinRequest.Parser.ParseFrom(bytes).Joiner, "JoinRequest.joiner"))),
                JoinAckManifest => ParseJoinAck(bytes),
                DataManifest => _mapping.FromProto(W.DataMessage.Parser.ParseFrom(bytes)),
                NakManifest => _mapping.FromProto(new W.ProtocolMessage { Nak = W.Nak.Parser.ParseFrom(bytes) }),
                GossipManifest => _mapping.FromProto(new W.ProtocolMessage { Gossip = W.StabilityGossip.Parser.ParseFrom(bytes) }),
                ProposalManifest => _mapping.FromProto(new W.ProtocolMessage { Proposal = W.Proposal.Parser.ParseFrom(bytes) }),
                ProposalBatchManifest => _mapping.FromProto(new W.ProtocolMessage { ProposalBatch = W.ProposalBatch.Parser.ParseFrom(bytes) }),
                FinalManifest => _mapping.FromProto(new W.ProtocolMessage { Final = W.FinalPriority.Parser.ParseFrom(bytes) }),
                FlushRequestManifest => _mapping.FromProto(new W.ProtocolMessage { FlushRequest = W.FlushRequest.Parser.ParseFrom(bytes) }),
                FlushReportManifest => _mapping.FromProto(new W.ProtocolMessage { FlushReport = W.FlushReport.Parser.ParseFrom(bytes) }),
                FlushPrepareManifest => _mapping.FromProto(new W.ProtocolMessage { FlushPrepare = W.FlushPrepare.Parser.ParseFrom(bytes) }),
                FlushPrepareAckManifest => _mapping.FromProto(new W.ProtocolMessage { FlushPrepareAck = W.FlushPrepareAck.Parser.ParseFrom(bytes) }),
                FlushCommitManifest => _mapping.FromProto(new W.ProtocolMessage { FlushCommit = W.FlushCommit.Parser.ParseFrom(bytes) }),
                FlushDecisionManifest => _mapping.FromProto(W.FlushDecision.Parser.ParseFrom(bytes)),
                WelcomeManifest => _mapping.FromProto(new W.ProtocolMessage { Welcome = W.Welcome.Parser.ParseFrom(bytes) }),
                LeaveRequestManifest => _mapping.FromProto(new W.ProtocolMessage { LeaveRequest = W.LeaveRequest.Parser.ParseFrom(bytes) }),
                ChunkManifest => ParseChunk(bytes),
                GroupProbeManifest => ParseProbe(bytes),
                MergeProbeManifest => _mapping.FromProto(new W.ProtocolMessage { MergeProbe = W.MergeProbe.Parser.ParseFrom(bytes) }),
                MergeRequestManifest => _mapping.FromProto(new W.ProtocolMessage { MergeRequest = W.MergeRequest.Parser.ParseFrom(bytes) }),
                MergeAcceptManifest => _mapping.FromProto(new W.ProtocolMessage { MergeAccept = W.MergeAccept.Parser.ParseFrom(bytes) }),
                MergeOfferManifest => _mapping.FromProto(new W.ProtocolMessage { MergeOffer = W.MergeOffer.Parser.ParseFrom(bytes) }),
                WelcomeDeclinedManifest => _mapping.FromProto(new W.ProtocolMessage { WelcomeDeclined = W.WelcomeDeclined.Parser.ParseFrom(bytes) }),
                _ => throw new WireFormatException($"unknown manifest '{manifest}'"),
            };
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or WireFormatException or ArgumentException or OverflowException)
        {
            throw new SerializationException(
                $"{nameof(CausalGroupsSerializer)} could not deserialize a '{manifest}' message of {bytes.Length} bytes: {e.Message}", e);
        }
    }

    private JoinAck ParseJoinAck(byte[] bytes)
    {
        var w = W.JoinAck.Parser.ParseFrom(bytes);
        if (w.ViewId < 0) throw new WireFormatException($"JoinAck with negative view id {w.ViewId}.");
        return new JoinAck(_mapping.FromProto(Required(w.Member, "JoinAck.member")), w.ViewId);
    }

    private GroupProbe ParseProbe(byte[] bytes)
    {
        var w = W.GroupProbe.Parser.ParseFrom(bytes);
        var probe = (MergeProbe)_mapping.FromProto(new W.ProtocolMessage { MergeProbe = Required(w.Probe, "GroupProbe.probe") });
        return new GroupProbe(_mapping.FromProto(Required(w.From, "GroupProbe.from")), probe);
    }

    private GroupChunk ParseChunk(byte[] bytes)
    {
        var w = W.GroupChunk.Parser.ParseFrom(bytes);
        if (w.Count < 1 || w.Index < 0 || w.Index >= w.Count) throw new WireFormatException($"GroupChunk piece {w.Index} of {w.Count}.");
        if (w.TotalBytes < w.Count || w.Data.Length == 0 || w.Data.Length > w.TotalBytes)
            throw new WireFormatException($"GroupChunk of {w.Data.Length} bytes in a message of {w.TotalBytes} bytes in {w.Count} pieces.");
        if (w.Transfer < 0) throw new WireFormatException($"GroupChunk with negative transfer {w.Transfer}.");
        if (!IsProtocolMessageManifest(w.Manifest)) throw new WireFormatException($"GroupChunk of a '{w.Manifest}' message.");
        return new GroupChunk(_mapping.FromProto(Required(w.From, "GroupChunk.from")), w.Transfer, w.Index, w.Count, w.TotalBytes, w.Manifest, w.Data.Memory);
    }

    /// <summary>The manifests of single protocol messages (what a <see cref="GroupChunk"/> may carry).</summary>
    internal static bool IsProtocolMessageManifest(string manifest) => manifest is DataManifest or NakManifest or GossipManifest or ProposalManifest
        or ProposalBatchManifest or FinalManifest or FlushRequestManifest or FlushReportManifest or FlushPrepareManifest or FlushPrepareAckManifest
        or FlushCommitManifest or FlushDecisionManifest or WelcomeManifest or LeaveRequestManifest
        or MergeProbeManifest or MergeRequestManifest or MergeAcceptManifest or MergeOfferManifest or WelcomeDeclinedManifest;

    private static T Required<T>(T? value, string field) where T : class =>
        value ?? throw new WireFormatException($"Required field {field} is missing.");
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
