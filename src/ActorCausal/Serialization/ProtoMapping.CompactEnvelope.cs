using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

// The compact envelope (manifest "E2"): each payload type (serializer id and manifest) once per envelope, and each data
// message after the first with its clock and acks as changes against the previous data message of the same envelope.
// Everything a reader needs is in the envelope itself: a lost envelope or a view change cannot break the next one.
internal sealed partial class ProtoMapping
{
    public W.GroupEnvelope ToCompactProto(GroupEnvelope envelope) => ToEnvelopeProto(envelope, static (mapping, w, types, d, previous) =>
    {
        var payload = mapping.PayloadOf(d);
        var data = ToProtoBody(d, payload);
        data.Payload.Type = PayloadType(w, types, payload);
        if (previous is not null && previous.Clock.Dimension == d.Clock.Dimension && previous.Acks.Dimension == d.Acks.Dimension)
        {
            VectorDelta.Write(data.ClockDelta, previous.Clock.AsSpan(), d.Clock.AsSpan());
            VectorDelta.Write(data.AcksDelta, previous.Acks.AsSpan(), d.Acks.AsSpan());
        }
        else
        {
            Fill(data.Clock, d.Clock);
            Fill(data.Acks, d.Acks);
        }
        return data;
    });

    /// <summary>
    /// An envelope whose data messages <paramref name="data"/> writes, given the envelope's payload table and the previous
    /// data message, and its stability gossip <paramref name="gossip"/> when given, given the last delivered vector before
    /// it in the envelope (the previous data message's acks or the previous gossip's delivered).
    /// </summary>
    private W.GroupEnvelope ToEnvelopeProto(GroupEnvelope envelope,
        Func<ProtoMapping, W.GroupEnvelope, Dictionary<(int, string), uint>, DataMessage, DataMessage?, W.DataMessage> data,
        Func<StabilityGossip, VectorClock?, W.StabilityGossip>? gossip = null)
    {
        var w = new W.GroupEnvelope { From = ToProto(envelope.From) };
        Dictionary<(int, string), uint>? types = null;
        DataMessage? previous = null;
        VectorClock? delivered = null;
        foreach (var m in envelope.Messages)
        {
            if (m is not DataMessage d)
            {
                if (m is StabilityGossip g && gossip is not null)
                {
                    w.Messages.Add(new W.ProtocolMessage { Gossip = gossip(g, delivered) });
                    delivered = g.Delivered;
                }
                else
                {
                    w.Messages.Add(ToProtoUnion(m));
                }
                continue;
            }
            w.Messages.Add(new W.ProtocolMessage { Data = data(this, w, types ??= new(), d, previous) });
            previous = d;
            delivered = d.Acks;
        }
        return w;
    }

    private static uint PayloadType(W.GroupEnvelope w, Dictionary<(int, string), uint> types, SerializedPayload payload)
    {
        var key = (payload.SerializerId, payload.Manifest ?? "");
        if (types.TryGetValue(key, out var index)) return index;
        index = (uint)types.Count;
        types[key] = index;
        w.PayloadTypes.Add(new W.PayloadType { SerializerId = key.SerializerId, Manifest = key.Item2 });
        return index;
    }

    public GroupEnvelope FromCompactProto(W.GroupEnvelope w) =>
        FromEnvelopeProto(w, static (envelope, d, previous, i) => FromCompactData(envelope, d, previous, $"Data message {i} of the envelope"));

    /// <summary>
    /// An envelope whose data messages <paramref name="data"/> reads, given the previous data message and the index, and
    /// its stability gossip <paramref name="gossip"/> when given, given the last delivered vector before it and the index.
    /// </summary>
    private GroupEnvelope FromEnvelopeProto(W.GroupEnvelope w, Func<W.GroupEnvelope, W.DataMessage, DataMessage?, int, DataMessage> data,
        Func<W.StabilityGossip, VectorClock?, int, StabilityGossip>? gossip = null)
    {
        var from = FromProto(Required(w.From, "GroupEnvelope.from"));
        if (w.Messages.Count == 0) throw new WireFormatException("A GroupEnvelope carries no protocol message.");
        var messages = ImmutableArray.CreateBuilder<ProtocolMessage>(w.Messages.Count);
        DataMessage? previous = null;
        VectorClock? delivered = null;
        for (var i = 0; i < w.Messages.Count; i++)
        {
            var m = w.Messages[i];
            if (m.KindCase != W.ProtocolMessage.KindOneofCase.Data)
            {
                if (m.KindCase == W.ProtocolMessage.KindOneofCase.Gossip && gossip is not null)
                {
                    var g = gossip(m.Gossip, delivered, i);
                    messages.Add(g);
                    delivered = g.Delivered;
                }
                else
                {
                    messages.Add(FromProto(m));
                }
                continue;
            }
            var read = data(w, m.Data, previous, i);
            messages.Add(read);
            previous = read;
            delivered = read.Acks;
        }
        return new GroupEnvelope(from, messages.MoveToImmutable());
    }

    private static DataMessage FromCompactData(W.GroupEnvelope envelope, W.DataMessage d, DataMessage? previous, string what)
    {
        VectorClock clock, acks;
        var hasDelta = d.ClockDelta.Count > 0 || d.AcksDelta.Count > 0;
        if (d.Clock.Count > 0 || d.Acks.Count > 0)
        {
            if (hasDelta) throw new WireFormatException($"{what} carries both full vectors and deltas.");
            clock = Clock(d.Clock, $"{what}'s clock");
            acks = Clock(d.Acks, $"{what}'s acks");
        }
        else
        {
            if (previous is null) throw new WireFormatException($"{what} has its clock and acks as deltas but no earlier data message in the envelope to apply them to.");
            clock = VectorClock.Of(VectorDelta.Apply(previous.Clock.AsSpan(), d.ClockDelta, $"{what}'s clock"));
            acks = VectorClock.Of(VectorDelta.Apply(previous.Acks.AsSpan(), d.AcksDelta, $"{what}'s acks"));
        }
        var type = PayloadTypeOf(envelope, d, what);
        return FromProto(d, clock, acks, type.SerializerId, type.Manifest);
    }

    /// <summary>The entry of the envelope's payload table that data message <paramref name="d"/> (<paramref name="what"/>) names.</summary>
    private static W.PayloadType PayloadTypeOf(W.GroupEnvelope envelope, W.DataMessage d, string what)
    {
        var payload = Required(d.Payload, "DataMessage.payload");
        if (payload.SerializerId != 0 || payload.Manifest.Length != 0)
            throw new WireFormatException($"{what} names its payload's serializer inside a compact envelope (it belongs in the envelope's table).");
        if (payload.Type >= envelope.PayloadTypes.Count)
            throw new WireFormatException($"{what} names payload type {payload.Type} of a table of {envelope.PayloadTypes.Count}.");
        return envelope.PayloadTypes[(int)payload.Type];
    }
}
