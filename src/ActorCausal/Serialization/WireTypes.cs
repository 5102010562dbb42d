using System.Collections.Frozen;
using System.Collections.Immutable;
using ActorCausal.Protocol.Messages;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

/// <summary>
/// Every message type that crosses the wire, one row each: CLR type, manifest, to protobuf, from protobuf, and (for
/// protocol messages) the size estimate. The serializer, <see cref="ProtoMapping"/>'s envelope union and the group
/// actor's batching and chunking all read this table, so a new message type is one new row (and its protobuf message
/// in causal.proto, and its mapping methods). The manifests are the wire contract with earlier versions: never reuse
/// or change one.
/// </summary>
internal static class WireTypes
{
    public static readonly ImmutableArray<WireType> All =
    [
        Runtime<GroupEnvelope, W.GroupEnvelope>("E", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Runtime<JoinRequest, W.JoinRequest>("J", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Runtime<JoinAck, W.JoinAck>("A", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Runtime<GroupChunk, W.GroupChunk>("C", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Runtime<GroupProbe, W.GroupProbe>("GP", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),

        Protocol<DataMessage, W.DataMessage>("D", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.Data),
        Protocol<Nak, W.Nak>("N", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<StabilityGossip, W.StabilityGossip>("G", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.Gossip),
        Protocol<Proposal, W.Proposal>("P", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<ProposalBatch, W.ProposalBatch>("PB", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.ProposalBatch),
        Protocol<FinalPriority, W.FinalPriority>("F", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<FlushRequest, W.FlushRequest>("FQ", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.FlushRequest),
        Protocol<FlushReport, W.FlushReport>("FR", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.FlushReport),
        Protocol<FlushPrepare, W.FlushPrepare>("FP", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), m => WireSize.Carrying(m.Decision)),
        Protocol<FlushPrepareAck, W.FlushPrepareAck>("FA", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<FlushCommit, W.FlushCommit>("FC", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), m => WireSize.Carrying(m.Decision)),
        Protocol<FlushDecision, W.FlushDecision>("FD", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<Welcome, W.Welcome>("W", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w), WireSize.Welcome),
        Protocol<LeaveRequest, W.LeaveRequest>("L", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<MergeProbe, W.MergeProbe>("MP", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<MergeRequest, W.MergeRequest>("MQ", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<MergeAccept, W.MergeAccept>("MA", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<MergeOffer, W.MergeOffer>("MO", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<WelcomeDeclined, W.WelcomeDeclined>("WD", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
        Protocol<ClockHeartbeat, W.ClockHeartbeat>("CH", (p, m) => p.ToProto(m), (p, w) => p.FromProto(w)),
    ];

    /// <summary>
    /// The second form of <see cref="GroupEnvelope"/> (ProtoMapping.CompactEnvelope.cs), written by the previous version
    /// when <c>actorcausal.batching.compact-envelopes</c> is on; still read. Not in <see cref="All"/>: one row per type.
    /// </summary>
    public static readonly WireType CompactEnvelope =
        Runtime<GroupEnvelope, W.GroupEnvelope>("E2", (p, m) => p.ToCompactProto(m), (p, w) => p.FromCompactProto(w));

    /// <summary>
    /// The third form of <see cref="GroupEnvelope"/> (ProtoMapping.DeltaEnvelope.cs): the compact form with ids, order, time
    /// and acks as changes as well. Written instead of "E" when <c>actorcausal.batching.compact-envelopes</c> is on.
    /// </summary>
    public static readonly WireType DeltaEnvelope =
        Runtime<GroupEnvelope, W.GroupEnvelope>("E3", (p, m) => p.ToDeltaProto(m), (p, w) => p.FromDeltaProto(w));

    private static readonly FrozenDictionary<Type, WireType> ByType = All.ToFrozenDictionary(t => t.Type);
    private static readonly FrozenDictionary<string, WireType> ByManifest = All.Append(CompactEnvelope).Append(DeltaEnvelope).ToFrozenDictionary(t => t.Manifest);
    private static readonly FrozenDictionary<W.ProtocolMessage.KindOneofCase, ProtocolWireType> ByCase =
        All.OfType<ProtocolWireType>().ToFrozenDictionary(t => t.Case);

    /// <summary>The row of <paramref name="message"/>'s type, or null when it has no wire form.</summary>
    public static WireType? Of(object? message) => message is not null && ByType.TryGetValue(message.GetType(), out var row) ? row : null;

    /// <summary>The row that writes <paramref name="message"/>: <see cref="DeltaEnvelope"/> for an envelope when <paramref name="compactEnvelopes"/>.</summary>
    public static WireType? ToWrite(object? message, bool compactEnvelopes) => compactEnvelopes && message is GroupEnvelope ? DeltaEnvelope : Of(message);

    /// <summary>The row of a protocol message; an <see cref="ArgumentException"/> for a type without one.</summary>
    public static ProtocolWireType Of(ProtocolMessage message) =>
        ByType.TryGetValue(message.GetType(), out var row) && row is ProtocolWireType protocol
            ? protocol
            : throw new ArgumentException($"ActorCausal has no wire form for {message.GetType().FullName}.", nameof(message));

    public static WireType? WithManifest(string? manifest) => manifest is null ? null : ByManifest.GetValueOrDefault(manifest);

    public static ProtocolWireType? WithCase(W.ProtocolMessage.KindOneofCase kind) => ByCase.GetValueOrDefault(kind);

    /// <summary>The manifests of single protocol messages (what a <see cref="GroupChunk"/> may carry).</summary>
    public static bool IsProtocolMessageManifest(string manifest) => ByManifest.GetValueOrDefault(manifest) is ProtocolWireType;

    /// <inheritdoc cref="ProtocolWireType.EstimateBytes"/>
    public static long EstimateBytes(ProtocolMessage message) => Of(message).EstimateBytes(message);

    private static RuntimeWireType<T, TProto> Runtime<T, TProto>(string manifest, Func<ProtoMapping, T, TProto> toProto, Func<ProtoMapping, TProto, T> fromProto)
        where T : IWireMessage where TProto : Google.Protobuf.IMessage<TProto>, new() => new(manifest, toProto, fromProto);

    private static ProtocolWireType<T, TProto> Protocol<T, TProto>(string manifest, Func<ProtoMapping, T, TProto> toProto, Func<ProtoMapping, TProto, T> fromProto,
        Func<T, long>? estimate = null)
        where T : ProtocolMessage where TProto : class, Google.Protobuf.IMessage<TProto>, new() =>
        new(manifest, toProto, fromProto, estimate ?? (_ => WireSize.Small));
}
