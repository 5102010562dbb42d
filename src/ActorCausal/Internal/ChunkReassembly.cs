using System.Runtime.Serialization;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;

namespace ActorCausal.Internal;

/// <summary>
/// Reassembles chunked transfers, one per sender at a time. Pieces must arrive in order and agree with the first one;
/// a transfer that breaks this, announces more than max-message-size, does not deserialize, or gets no piece for
/// reassembly-timeout (<see cref="Expire"/>) is dropped and counted, with the reason for the log. The protocol treats a
/// lost transfer as a lost message (NAKs and flush retries recover), so a refused transfer costs time, never safety.
/// </summary>
internal sealed class ChunkReassembly(ChunkingSettings settings, Func<byte[], string, ProtocolMessage> deserialize)
{
    private readonly Dictionary<MemberId, Transfer> _transfers = new();

    public long ChunkedMessagesReceived { get; private set; }
    public long Refused { get; private set; }
    public long Expired { get; private set; }

    /// <summary>Transfers under way (one per sender at most).</summary>
    public int InProgress => _transfers.Count;

    private sealed class Transfer(GroupChunk first, long now)
    {
        public readonly long Id = first.Transfer;
        public readonly int Count = first.Count;
        public readonly string Manifest = first.Manifest;
        public readonly byte[] Bytes = new byte[first.TotalBytes];
        public int Next;
        public int Filled;
        public long LastPieceAt = now;
    }

    /// <summary>What one piece brought: the whole message once its last piece arrived, and the transfers it refused (usually none).</summary>
    public readonly record struct Outcome(ProtocolMessage? Message, IReadOnlyList<string> Refusals);

    private static readonly string[] NoRefusals = [];

    public Outcome Add(GroupChunk chunk, long nowMs)
    {
        List<string>? refusals = null;
        Outcome Refuse(string why)
        {
            Refused++;
            (refusals ??= []).Add(why);
            return new Outcome(null, refusals);
        }

        if (chunk.Index == 0)
        {
            if (_transfers.Remove(chunk.From, out var unfinished))
                Refuse($"transfer {unfinished.Id} ended after {unfinished.Next} of {unfinished.Count} pieces (a new one began)");
            if (chunk.TotalBytes > settings.MaxMessageBytes)
                return Refuse($"transfer {chunk.Transfer} announces {chunk.TotalBytes} bytes, more than max-message-size {settings.MaxMessageBytes}");
            _transfers[chunk.From] = new Transfer(chunk, nowMs);
        }
        if (!_transfers.TryGetValue(chunk.From, out var t))
            return Refuse($"piece {chunk.Index} of transfer {chunk.Transfer} without its first piece");
        if (chunk.Transfer != t.Id || chunk.Index != t.Next || chunk.Count != t.Count || chunk.TotalBytes != t.Bytes.Length
            || chunk.Manifest != t.Manifest || t.Filled + chunk.Data.Length > t.Bytes.Length)
        {
            _transfers.Remove(chunk.From);
            return Refuse($"piece {chunk.Index}/{chunk.Count} of transfer {chunk.Transfer} does not continue transfer {t.Id} at piece {t.Next}/{t.Count}");
        }
        chunk.Data.Span.CopyTo(t.Bytes.AsSpan(t.Filled));
        t.Filled += chunk.Data.Length;
        t.Next++;
        t.LastPieceAt = nowMs;
        if (t.Next < t.Count) return new Outcome(null, refusals ?? (IReadOnlyList<string>)NoRefusals);

        _transfers.Remove(chunk.From);
        if (t.Filled != t.Bytes.Length) return Refuse($"transfer {t.Id} carried {t.Filled} of the {t.Bytes.Length} bytes it announced");
        ProtocolMessage message;
        try
        {
            message = deserialize(t.Bytes, t.Manifest);
        }
        catch (SerializationException e)
        {
            return Refuse($"transfer {t.Id} did not deserialize: {e.Message}");
        }
        if (t.Count > 1) ChunkedMessagesReceived++;
        return new Outcome(message, refusals ?? (IReadOnlyList<string>)NoRefusals);
    }

    /// <summary>Drops the transfers that got no piece for reassembly-timeout; for each, a line for the log.</summary>
    public IReadOnlyList<string> Expire(long nowMs)
    {
        if (_transfers.Count == 0) return NoRefusals;
        var limit = (long)settings.ReassemblyTimeout.TotalMilliseconds;
        var expired = new List<string>();
        foreach (var (from, t) in _transfers.Where(kv => nowMs - kv.Value.LastPieceAt > limit).ToList())
        {
            _transfers.Remove(from);
            Expired++;
            expired.Add($"dropped transfer {t.Id} from {from} after {t.Next} of {t.Count} pieces: none arrived for {settings.ReassemblyTimeout}");
        }
        return expired;
    }
}
