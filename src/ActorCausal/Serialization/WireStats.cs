using System.Collections.Concurrent;
using Google.Protobuf;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

/// <summary>
/// A measuring aid, off unless the environment variable <c>ACTORCAUSAL_WIRE_STATS</c> names a file: every envelope the
/// serializers of this process write is split into where its bytes go (data message fields, gossip vectors, each
/// other message kind, the sender's id, framing), and the totals are written to that file when the process exits. A
/// part's bytes are what the envelope loses when that part is cleared. Costs several copies of each envelope while on.
/// </summary>
internal static class WireStats
{
    private static readonly string? Path = Environment.GetEnvironmentVariable("ACTORCAUSAL_WIRE_STATS");
    private static readonly ConcurrentDictionary<string, long> Totals = new();

    private static readonly (string Part, Action<W.GroupEnvelope> Clear)[] Parts =
    [
        ("data.clock", e => Data(e, d => { d.Clock.Clear(); d.ClockDelta.Clear(); })),
        ("data.acks", e => Data(e, d => { d.Acks.Clear(); d.AcksDelta.Clear(); d.AcksAgainstPrevious = false; })),
        ("data.hlc", e => Data(e, d => { d.Time = null; d.WallDelta = 0; d.LogicalDelta = 0; })),
        ("data.ids", e => Data(e, d => { d.ViewId = 0; d.Sender = 0; d.Sequence = 0; d.Order = 0; d.ViewDelta = 0; d.SenderDelta = 0; d.SequenceDelta = 0; d.OrderDelta = 0; })),
        ("data.payload-type", e => { e.PayloadTypes.Clear(); Data(e, d => { d.Payload.SerializerId = 0; d.Payload.Manifest = ""; d.Payload.Type = 0; }); }),
        ("data.payload-bytes", e => Data(e, d => d.Payload.Data = ByteString.Empty)),
        ("gossip.delivered", e => Gossip(e, g => { g.Delivered.Clear(); g.DeliveredDelta.Clear(); })),
        ("gossip.held", e => Gossip(e, g => { g.Held.Clear(); g.HeldDelta.Clear(); g.HeldFromDelivered = false; })),
        ("from", e => e.From = null),
    ];

    static WireStats()
    {
        if (Path is not null) AppDomain.CurrentDomain.ProcessExit += (_, _) => Write();
    }

    public static bool Enabled => Path is not null;

    /// <summary>Accounts one written envelope (<paramref name="bytes"/> in any envelope form).</summary>
    public static void Count(byte[] bytes)
    {
        var envelope = W.GroupEnvelope.Parser.ParseFrom(bytes);
        var total = envelope.CalculateSize();
        Add("envelopes", 1);
        Add("bytes", total);
        var accounted = 0;
        foreach (var group in envelope.Messages.GroupBy(m => m.KindCase))
        {
            Add($"count.{group.Key}", group.Count());
            if (group.Key is W.ProtocolMessage.KindOneofCase.Data) continue;
            var bytesOfKind = group.Sum(m => CodedOutputStream.ComputeMessageSize(m) + 1);
            Add($"kind.{group.Key}", bytesOfKind);
            // Gossip's vectors are parts below; the rest of it (view id, framing) stays in the rest.
            if (group.Key is not W.ProtocolMessage.KindOneofCase.Gossip) accounted += bytesOfKind;
        }
        foreach (var (part, clear) in Parts)
        {
            var copy = envelope.Clone();
            clear(copy);
            var lost = total - copy.CalculateSize();
            Add(part, lost);
            accounted += lost;
        }
        Add("rest (framing of data and gossip, dependencies, safe flags)", total - accounted);
    }

    private static void Data(W.GroupEnvelope e, Action<W.DataMessage> clear)
    {
        foreach (var m in e.Messages)
        {
            if (m.KindCase == W.ProtocolMessage.KindOneofCase.Data) clear(m.Data);
        }
    }

    private static void Gossip(W.GroupEnvelope e, Action<W.StabilityGossip> clear)
    {
        foreach (var m in e.Messages)
        {
            if (m.KindCase == W.ProtocolMessage.KindOneofCase.Gossip) clear(m.Gossip);
        }
    }

    private static void Add(string key, long value) => Totals.AddOrUpdate(key, value, (_, v) => v + value);

    private static void Write() =>
        File.WriteAllLines(Path!, Totals.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}\t{kv.Value}"));
}
