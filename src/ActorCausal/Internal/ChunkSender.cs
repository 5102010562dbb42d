using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;

namespace ActorCausal.Internal;

/// <summary>
/// Cuts a protocol message into <see cref="GroupChunk"/> pieces of at most piece-size bytes of its serialized form.
/// Only messages whose size estimate is at least half a piece are measured (<see cref="WorthMeasuring"/>); one that
/// measures no larger than a piece leaves as a single piece, with the bytes that measured it, so nothing is serialized
/// twice. The bytes of the last message are kept for its next recipient until <see cref="ForgetLastSerialized"/>.
/// </summary>
internal sealed class ChunkSender(int pieceSize, Func<ProtocolMessage, (byte[] Bytes, string Manifest)> serialize)
{
    private long _nextTransfer;
    private (ProtocolMessage Message, byte[] Bytes, string Manifest)? _lastSerialized;

    public long ChunksSent { get; private set; }
    public long ChunkedMessagesSent { get; private set; }
    public long SinglePiecesSent { get; private set; }

    public bool WorthMeasuring(long estimate) => estimate >= pieceSize / 2;

    /// <summary>The pieces of <paramref name="message"/> from <paramref name="from"/>, as one new transfer.</summary>
    public GroupChunk[] Split(MemberId from, ProtocolMessage message)
    {
        if (_lastSerialized is not { } cached || !ReferenceEquals(cached.Message, message))
        {
            var (bytes, manifest) = serialize(message);
            _lastSerialized = cached = (message, bytes, manifest);
        }
        var all = cached.Bytes;
        var count = Math.Max(1, (all.Length + pieceSize - 1) / pieceSize);
        var transfer = _nextTransfer++;
        var pieces = new GroupChunk[count];
        for (var i = 0; i < count; i++)
        {
            var offset = i * pieceSize;
            pieces[i] = new GroupChunk(from, transfer, i, count, all.Length, cached.Manifest, new ReadOnlyMemory<byte>(all, offset, Math.Min(pieceSize, all.Length - offset)));
        }
        if (count > 1)
        {
            ChunksSent += count;
            ChunkedMessagesSent++;
        }
        else
        {
            SinglePiecesSent++;
        }
        return pieces;
    }

    /// <summary>Drops the kept bytes (the group actor does after each batch of effects: they serve one message's recipients).</summary>
    public void ForgetLastSerialized() => _lastSerialized = null;
}
