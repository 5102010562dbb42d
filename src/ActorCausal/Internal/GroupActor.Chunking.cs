using System.Runtime.Serialization;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;

namespace ActorCausal.Internal;

// Chunked transfer. A protocol message larger than chunking.piece-size once serialized leaves as GroupChunk pieces (one
// measured but no larger leaves as a single piece, with the bytes that measured it), after everything already batched
// for that member and before anything queued later, so Akka's per-link FIFO keeps the protocol's order. The receiver reassembles one transfer per sender at a time: pieces must arrive in order and agree
// with the first one; a transfer that breaks this, announces more than max-message-size, or stalls for
// reassembly-timeout is dropped, logged and counted. The protocol treats a lost transfer as a lost message (NAKs and
// flush retries recover), so a refused transfer costs time, never safety.
internal sealed partial class GroupActor
{
    private readonly Dictionary<MemberId, Reassembly> _reassembling = new();
    private SerializerWithStringManifest? _wireSerializer;
    private long _nextTransfer;
    private (ProtocolMessage Message, byte[] Bytes, string Manifest)? _lastSerialized;

    private long _chunksSent;
    private long _chunkedMessagesSent;
    private long _singlePiecesSent;
    private long _chunkedMessagesReceived;
    private long _chunksRefused;
    private long _chunkTransfersExpired;

    private sealed class Reassembly(GroupChunk first, long now)
    {
        public readonly long Transfer = first.Transfer;
        public readonly int Count = first.Count;
        public readonly string Manifest = first.Manifest;
        public readonly byte[] Bytes = new byte[first.TotalBytes];
        public int Next;
        public int Filled;
        public long LastPieceAt = now;
    }

    private SerializerWithStringManifest WireSerializer =>
        _wireSerializer ??= (SerializerWithStringManifest)_serialization.FindSerializerForType(typeof(ProtocolMessage));

    /// <summary>
    /// Sends <paramref name="message"/> to <paramref name="to"/> as GroupChunk pieces when its estimate makes it worth
    /// measuring (at least half a piece): several when it is larger than a piece, otherwise one, so that the bytes
    /// serialized to measure it are the bytes sent (never serialized twice). False when it was not measured: it goes
    /// in a batch as usual.
    /// </summary>
    private bool TrySendInPieces(MemberId to, ProtocolMessage message, long estimate)
    {
        var pieceSize = _settings.Chunking.PieceSize;
        if (estimate < pieceSize / 2) return false;
        if (_lastSerialized is not { } cached || !ReferenceEquals(cached.Message, message))
        {
            var serializer = WireSerializer;
            _lastSerialized = cached = (message, serializer.ToBinary(message), serializer.Manifest(message));
        }
        var bytes = cached.Bytes;

        if (_outbox.TryGetValue(to, out var batch) && batch.Messages.Count > 0) SendBatch(to, batch);
        var count = Math.Max(1, (bytes.Length + pieceSize - 1) / pieceSize);
        var transfer = _nextTransfer++;
        var peer = MemberTarget(to);
        for (var i = 0; i < count; i++)
        {
            var offset = i * pieceSize;
            var data = new ReadOnlyMemory<byte>(bytes, offset, Math.Min(pieceSize, bytes.Length - offset));
            peer.Tell(new GroupChunk(_self, transfer, i, count, bytes.Length, cached.Manifest, data), Self);
        }
        if (count > 1)
        {
            _chunksSent += count;
            _chunkedMessagesSent++;
        }
        else
        {
            _singlePiecesSent++;
            _envelopesSent++;
        }
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
        var now = _clock.NowMs;
        if (chunk.Index == 0)
        {
            if (_reassembling.Remove(chunk.From, out var unfinished))
                RefuseChunk(chunk.From, $"transfer {unfinished.Transfer} ended after {unfinished.Next} of {unfinished.Count} pieces (a new one began)");
            if (chunk.TotalBytes > _settings.Chunking.MaxMessageBytes)
            {
                RefuseChunk(chunk.From, $"transfer {chunk.Transfer} announces {chunk.TotalBytes} bytes, more than max-message-size {_settings.Chunking.MaxMessageBytes}");
                return;
            }
            _reassembling[chunk.From] = new Reassembly(chunk, now);
        }
        if (!_reassembling.TryGetValue(chunk.From, out var r))
        {
            RefuseChunk(chunk.From, $"piece {chunk.Index} of transfer {chunk.Transfer} without its first piece");
            return;
        }
        if (chunk.Transfer != r.Transfer || chunk.Index != r.Next || chunk.Count != r.Count || chunk.TotalBytes != r.Bytes.Length
            || chunk.Manifest != r.Manifest || r.Filled + chunk.Data.Length > r.Bytes.Length)
        {
            _reassembling.Remove(chunk.From);
            RefuseChunk(chunk.From, $"piece {chunk.Index}/{chunk.Count} of transfer {chunk.Transfer} does not continue transfer {r.Transfer} at piece {r.Next}/{r.Count}");
            return;
        }
        chunk.Data.Span.CopyTo(r.Bytes.AsSpan(r.Filled));
        r.Filled += chunk.Data.Length;
        r.Next++;
        r.LastPieceAt = now;
        if (r.Next < r.Count) return;

        _reassembling.Remove(chunk.From);
        if (r.Filled != r.Bytes.Length)
        {
            RefuseChunk(chunk.From, $"transfer {r.Transfer} carried {r.Filled} of the {r.Bytes.Length} bytes it announced");
            return;
        }
        ProtocolMessage message;
        try
        {
            message = (ProtocolMessage)WireSerializer.FromBinary(r.Bytes, r.Manifest);
        }
        catch (SerializationException e)
        {
            RefuseChunk(chunk.From, $"transfer {r.Transfer} did not deserialize: {e.Message}");
            return;
        }
        if (r.Count > 1) _chunkedMessagesReceived++;
        AdvanceTime();
        _member.Receive(chunk.From, message);
        ProcessEffects();
    }

    private void RefuseChunk(MemberId from, string why)
    {
        _chunksRefused++;
        _log.Warning("Group {0}: refused a chunked transfer from {1}: {2}.", _group, from, why);
    }

    /// <summary>Drops transfers that received no piece for reassembly-timeout (on every tick).</summary>
    private void ExpireTransfers()
    {
        if (_reassembling.Count == 0) return;
        var limit = (long)_settings.Chunking.ReassemblyTimeout.TotalMilliseconds;
        foreach (var (from, r) in _reassembling.Where(kv => _lastTickMs - kv.Value.LastPieceAt > limit).ToList())
        {
            _reassembling.Remove(from);
            _chunkTransfersExpired++;
            _log.Warning("Group {0}: dropped transfer {1} from {2} after {3} of {4} pieces: none arrived for {5}.",
                _group, r.Transfer, from, r.Next, r.Count, _settings.Chunking.ReassemblyTimeout);
        }
    }
}
