using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;

namespace ActorCausal.Internal;

// Chunked transfer: a protocol message larger than chunking.piece-size once serialized leaves as GroupChunk pieces
// (ChunkSender), after everything already batched for that member and before anything queued later, so Akka's per-link
// FIFO keeps the protocol's order. The receiver reassembles them (ChunkReassembly) and logs what it refuses.
internal sealed partial class GroupActor
{
    private SerializerWithStringManifest? _wireSerializer;
    private readonly ChunkSender _chunkSender;
    private readonly ChunkReassembly _reassembly;

    private SerializerWithStringManifest WireSerializer =>
        _wireSerializer ??= (SerializerWithStringManifest)_serialization.FindSerializerForType(typeof(ProtocolMessage));

    private (byte[] Bytes, string Manifest) SerializeWhole(ProtocolMessage message) => (WireSerializer.ToBinary(message), WireSerializer.Manifest(message));

    private ProtocolMessage DeserializeWhole(byte[] bytes, string manifest) => (ProtocolMessage)WireSerializer.FromBinary(bytes, manifest);

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> as GroupChunk pieces when its estimate makes it worth
    /// measuring. False when it was not measured: it goes in a batch as usual.
    /// </summary>
    private bool TrySendInPieces(MemberId to, ProtocolMessage message, long estimate)
    {
        if (!_chunkSender.WorthMeasuring(estimate)) return false;
        var pieces = _chunkSender.Split(_self, message);
        _outbox.SendPending(to);
        var peer = MemberTarget(to);
        foreach (var piece in pieces) peer.Tell(piece, Self);
        if (pieces.Length == 1) _envelopesSent++;
        _protocolMessagesSent++;
        return true;
    }

    private void OnChunk(GroupChunk chunk)
    {
        if (!SenderIs(chunk.From))
        {
            _unverifiedSenders++;
            return;
        }
        var outcome = _reassembly.Add(chunk, _clock.NowMs);
        foreach (var why in outcome.Refusals) _log.Warning("Group {0}: refused a chunked transfer from {1}: {2}.", _group, chunk.From, why);
        if (outcome.Message is not { } message) return;
        AdvanceTime();
        _member.Receive(chunk.From, message);
        ProcessEffects();
    }

    /// <summary>Drops transfers that received no piece for reassembly-timeout (on every tick).</summary>
    private void ExpireTransfers()
    {
        foreach (var line in _reassembly.Expire(_lastTickMs)) _log.Warning("Group {0}: {1}.", _group, line);
    }
}
