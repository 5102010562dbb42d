using System.Buffers.Binary;
using ActorCausal.Protocol;

namespace ActorCausal.Simulation;

/// <summary>
/// The simulated application's state: the ordered list of the message ids it reflects. Encoded as a count (int32)
/// followed by (viewId int64, sender int32, sequence int64) per id, little-endian.
/// </summary>
public static class SnapshotCodec
{
    private const int EntrySize = 8 + 4 + 8;

    public static byte[] Encode(IReadOnlyList<MessageId> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = new byte[4 + state.Count * EntrySize];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, state.Count);
        var offset = 4;
        foreach (var id in state)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), id.ViewId);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset + 8), id.Sender);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset + 12), id.Sequence);
            offset += EntrySize;
        }
        return bytes;
    }

    public static MessageId[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4) throw new FormatException($"A snapshot has at least 4 bytes, this one {bytes.Length}.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (count < 0 || bytes.Length != 4 + (long)count * EntrySize)
            throw new FormatException($"A snapshot of {count} ids has {4 + (long)count * EntrySize} bytes, this one {bytes.Length}.");
        var ids = new MessageId[count];
        var offset = 4;
        for (var k = 0; k < count; k++)
        {
            ids[k] = new MessageId(
                BinaryPrimitives.ReadInt64LittleEndian(bytes[offset..]),
                BinaryPrimitives.ReadInt32LittleEndian(bytes[(offset + 8)..]),
                BinaryPrimitives.ReadInt64LittleEndian(bytes[(offset + 12)..]));
            offset += EntrySize;
        }
        return ids;
    }
}
