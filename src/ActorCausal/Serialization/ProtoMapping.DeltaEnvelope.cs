using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

// The delta envelope (manifest "E3"): the compact envelope ("E2") with every number of a data message written as a
// change against the previous data message of the same envelope - ids, order and HLC, the clock against the previous
// clock with the own entry set to the sequence, and the acks against the message's own clock with the own entry one
// less (what a sender that delivered everything it knew would acknowledge) or, when that changes fewer entries, against
// the previous acks. Stability gossip likewise: delivered against the previous data message's acks or gossip's
// delivered, held against delivered. Only the envelope is needed to read it.
internal sealed partial class ProtoMapping
{
    public W.GroupEnvelope ToDeltaProto(GroupEnvelope envelope) =>
        ToEnvelopeProto(envelope, static (mapping, w, types, d, previous) => mapping.ToDeltaData(w, types, d, previous), ToDeltaGossip);

    /// <summary>
    /// Stability gossip: delivered against the last delivered vector before it in the envelope (the previous data
    /// message's acks or the previous gossip's delivered: what the same sender had delivered then) when there is one of
    /// its dimension, held against delivered.
    /// </summary>
    private static W.StabilityGossip ToDeltaGossip(StabilityGossip g, VectorClock? before)
    {
        var w = new W.StabilityGossip { ViewId = g.ViewId };
        if (before is not null && before.Dimension == g.Delivered.Dimension)
            VectorDelta.Write(w.DeliveredDelta, before.AsSpan(), g.Delivered.AsSpan());
        else
            Fill(w.Delivered, g.Delivered);
        if (g.Held is { } held && held.Dimension == g.Delivered.Dimension)
        {
            w.HeldFromDelivered = true;
            VectorDelta.Write(w.HeldDelta, g.Delivered.AsSpan(), held.AsSpan());
        }
        else if (g.Held is not null)
        {
            Fill(w.Held, g.Held);
        }
        return w;
    }

    private static StabilityGossip FromDeltaGossip(W.StabilityGossip w, VectorClock? before, int index)
    {
        VectorClock delivered;
        if (w.Delivered.Count > 0)
        {
            if (w.DeliveredDelta.Count > 0) throw new WireFormatException($"Gossip {index} of the envelope carries delivered both in full and as a delta.");
            delivered = Clock(w.Delivered, $"Gossip {index}'s delivered");
        }
        else
        {
            if (before is null) throw new WireFormatException($"Gossip {index} of the envelope has delivered as a delta but no earlier data message or gossip in the envelope to apply it to.");
            delivered = VectorClock.Of(VectorDelta.Apply(before.AsSpan(), w.DeliveredDelta, $"Gossip {index}'s delivered"));
        }
        VectorClock? held = null;
        if (w.HeldFromDelivered)
        {
            if (w.Held.Count > 0) throw new WireFormatException($"Gossip {index} of the envelope carries held both in full and as a delta.");
            held = VectorClock.Of(VectorDelta.Apply(delivered.AsSpan(), w.HeldDelta, $"Gossip {index}'s held"));
        }
        else if (w.HeldDelta.Count > 0)
        {
            throw new WireFormatException($"Gossip {index} of the envelope has a held delta without held_from_delivered.");
        }
        else if (w.Held.Count > 0)
        {
            held = Clock(w.Held, $"Gossip {index}'s held");
        }
        return new StabilityGossip(ViewId(w.ViewId, $"Gossip {index} of the envelope"), delivered) { Held = held };
    }

    private W.DataMessage ToDeltaData(W.GroupEnvelope w, Dictionary<(int, string), uint> types, DataMessage d, DataMessage? previous)
    {
        var payload = PayloadOf(d);
        var data = new W.DataMessage
        {
            Payload = new W.Payload { Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(payload.Bytes), Type = PayloadType(w, types, payload) },
            Safe = d.Safe,
            // Unchecked: a change and its inverse wrap alike, so any value reads back.
            ViewDelta = unchecked(d.ViewId - (previous?.ViewId ?? 0)),
            SenderDelta = unchecked(d.Sender - (previous?.Sender ?? 0)),
            SequenceDelta = unchecked(d.Sequence - NextSequence(previous)),
            OrderDelta = (int)d.Order - (int)(previous?.Order ?? 0),
            WallDelta = unchecked(d.Time.WallMs - (previous?.Time.WallMs ?? 0)),
            LogicalDelta = unchecked(d.Time.Logical - (previous?.Time.Logical ?? 0)),
        };
        if (!d.DependsOn.IsDefault)
        {
            foreach (var dep in d.DependsOn) data.DependsOn.Add(ToProto(dep));
        }
        if (previous is not null && previous.Clock.Dimension == d.Clock.Dimension)
            VectorDelta.Write(data.ClockDelta, previous.Clock.AsSpan(), d.Clock.AsSpan(), OwnEntry(d.Clock.Dimension, d.Sender, d.Sequence));
        else
            Fill(data.Clock, d.Clock);
        if (d.Acks.Dimension == d.Clock.Dimension)
        {
            var own = OwnEntry(d.Clock.Dimension, d.Sender, unchecked(d.Sequence - 1));
            var none = new VectorDelta.Entry(-1, 0);
            data.AcksAgainstPrevious = previous is not null && previous.Acks.Dimension == d.Acks.Dimension
                && VectorDelta.Changes(previous.Acks.AsSpan(), d.Acks.AsSpan(), none) < VectorDelta.Changes(d.Clock.AsSpan(), d.Acks.AsSpan(), own);
            if (data.AcksAgainstPrevious)
                VectorDelta.Write(data.AcksDelta, previous!.Acks.AsSpan(), d.Acks.AsSpan(), none);
            else
                VectorDelta.Write(data.AcksDelta, d.Clock.AsSpan(), d.Acks.AsSpan(), own);
        }
        else
        {
            Fill(data.Acks, d.Acks);
        }
        return data;
    }

    private static long NextSequence(DataMessage? previous) => previous is null ? 0 : unchecked(previous.Sequence + 1);

    /// <summary>The entry <see cref="WithEntry"/> puts in, for writing without a copy.</summary>
    private static VectorDelta.Entry OwnEntry(int dimension, int index, long value) =>
        (uint)index < (uint)dimension && value >= 0 ? new(index, value) : new(-1, 0);

    /// <summary>
    /// A copy of <paramref name="vector"/> with entry <paramref name="index"/> set to <paramref name="value"/> (when both are
    /// in range, so that every entry of a base stays a valid one): the base a delta is taken against.
    /// </summary>
    private static long[] WithEntry(ReadOnlySpan<long> vector, int index, long value)
    {
        var copy = vector.ToArray();
        var entry = OwnEntry(copy.Length, index, value);
        if (entry.Index >= 0) copy[entry.Index] = entry.Value;
        return copy;
    }

    public GroupEnvelope FromDeltaProto(W.GroupEnvelope w) => FromEnvelopeProto(w, FromDeltaData, FromDeltaGossip);

    private static DataMessage FromDeltaData(W.GroupEnvelope envelope, W.DataMessage d, DataMessage? previous, int index)
    {
        if (d.ViewId != 0 || d.Sender != 0 || d.Sequence != 0 || d.Order != 0 || d.Time is not null)
            throw new WireFormatException($"Data message {index} of the envelope carries its ids, order or time in full (they are changes in this form).");
        var viewId = unchecked((previous?.ViewId ?? 0) + d.ViewDelta);
        var sender = unchecked((previous?.Sender ?? 0) + d.SenderDelta);
        var sequence = unchecked(NextSequence(previous) + d.SequenceDelta);
        var order = (long)(int)(previous?.Order ?? 0) + d.OrderDelta;
        if (order is < 0 or > int.MaxValue || !Enum.IsDefined((DeliveryOrder)order) || ((DeliveryOrder)order).IsSafe())
            throw new WireFormatException($"Data message {index} of the envelope has unknown order {order}.");
        if (viewId < 0) throw new WireFormatException($"Data message {index} of the envelope names a negative view id ({viewId}).");
        var time = new HlcTimestamp(unchecked((previous?.Time.WallMs ?? 0) + d.WallDelta), unchecked((previous?.Time.Logical ?? 0) + d.LogicalDelta));

        VectorClock clock;
        if (d.Clock.Count > 0)
        {
            if (d.ClockDelta.Count > 0) throw new WireFormatException($"Data message {index} of the envelope carries its clock both in full and as a delta.");
            clock = Clock(d.Clock, $"Data message {index}'s clock");
        }
        else
        {
            if (previous is null) throw new WireFormatException($"Data message {index} of the envelope has its clock as a delta but no earlier data message in the envelope to apply it to.");
            clock = NonNegative(VectorDelta.Apply(WithEntry(previous.Clock.AsSpan(), sender, sequence), d.ClockDelta, index, "clock"), index, "clock");
        }
        VectorClock acks;
        if (d.Acks.Count > 0)
        {
            if (d.AcksDelta.Count > 0 || d.AcksAgainstPrevious) throw new WireFormatException($"Data message {index} of the envelope carries its acks both in full and as a delta.");
            acks = Clock(d.Acks, $"Data message {index}'s acks");
        }
        else if (d.AcksAgainstPrevious)
        {
            if (previous is null || previous.Acks.Dimension != clock.Dimension)
                throw new WireFormatException($"Data message {index} of the envelope has its acks as a delta against an earlier data message of its dimension, but there is none.");
            acks = NonNegative(VectorDelta.Apply(previous.Acks.AsSpan().ToArray(), d.AcksDelta, index, "acks"), index, "acks");
        }
        else
        {
            acks = NonNegative(VectorDelta.Apply(WithEntry(clock.AsSpan(), sender, unchecked(sequence - 1)), d.AcksDelta, index, "acks"), index, "acks");
        }

        var type = d.Payload is { SerializerId: 0, Type: var t } p && p.Manifest.Length == 0 && t < envelope.PayloadTypes.Count
            ? envelope.PayloadTypes[(int)t]
            : PayloadTypeOf(envelope, d, $"Data message {index} of the envelope");
        return FromProto(d, viewId, sender, sequence, (DeliveryOrder)order, time, clock, acks, type.SerializerId, type.Manifest);
    }

    private static VectorClock NonNegative(long[] vector, int index, string what)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] < 0) throw new WireFormatException($"Data message {index}'s {what} has a negative entry {i} ({vector[i]}).");
        }
        return VectorClock.Of(vector);
    }
}
