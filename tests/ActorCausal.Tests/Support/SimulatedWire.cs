using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Google.Protobuf;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Tests.Support;

/// <summary>
/// The real wire for the simulator (<c>SimulationOptions.Wire</c>): every protocol message travels as the runtime sends
/// it, in a <see cref="GroupEnvelope"/> through the protobuf mapping to bytes and back (see <see cref="Compact"/>). The only difference from a
/// node is the member-address check: simulated members are named m0, m1, ... instead of Akka addresses. The
/// simulator's string payloads are written as UTF-8 under a made-up serializer id, as Akka serialization would.
/// </summary>
public sealed partial class SimulatedWire
{
    public const int StringSerializerId = 9_999;

    private readonly ProtoMapping _mapping = new(
        p => p is string s ? new SerializedPayload(StringSerializerId, "s", Encoding.UTF8.GetBytes(s)) : throw new ArgumentException($"not a simulator payload: {p}"),
        address => SimulatedAddress().IsMatch(address));

    /// <summary>How many messages of each kind crossed this wire.</summary>
    public ConcurrentDictionary<string, long> Crossed { get; } = new();

    public long Bytes;

    /// <summary>
    /// On (the runtime's default): the delta envelope ("E3"), with the data message last sent on the same link in
    /// front, so that a data message is read as a delta against a real predecessor. Off: the full form ("E") alone.
    /// </summary>
    public bool Compact { get; init; } = true;

    private readonly ConcurrentDictionary<(MemberId, MemberId), DataMessage> _lastData = new();

    public ProtocolMessage RoundTrip(MemberId from, MemberId to, ProtocolMessage message)
    {
        ImmutableArray<ProtocolMessage> sent = Compact && _lastData.TryGetValue((from, to), out var last) ? [last, message] : [message];
        var envelope = new GroupEnvelope(from, sent);
        var bytes = (Compact ? _mapping.ToDeltaProto(envelope) : _mapping.ToProto(envelope)).ToByteArray();
        Interlocked.Add(ref Bytes, bytes.Length);
        var parsed = W.GroupEnvelope.Parser.ParseFrom(bytes);
        var back = Compact ? _mapping.FromDeltaProto(parsed) : _mapping.FromProto(parsed);
        if (back.From != from || back.Messages.Length != sent.Length)
            throw new InvalidOperationException($"The envelope from {from} came back from {back.From} with {back.Messages.Length} messages.");
        if (Compact && message is DataMessage data) _lastData[(from, to)] = data;
        Crossed.AddOrUpdate(message.GetType().Name, 1, (_, n) => n + 1);
        return back.Messages[^1];
    }

    [GeneratedRegex("^m[0-9]+$")]
    private static partial Regex SimulatedAddress();
}
