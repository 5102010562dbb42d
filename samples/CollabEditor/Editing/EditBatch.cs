using CollabEditor.Crdt;

namespace CollabEditor.Editing;

/// <summary>Several transactions' updates in one broadcast payload: a count, then each update with its length.</summary>
public static class EditBatch
{
    public static byte[] Encode(IReadOnlyList<byte[]> updates)
    {
        var w = new ByteWriter(updates.Sum(u => u.Length + 5) + 5);
        w.UInt((uint)updates.Count);
        foreach (var u in updates)
        {
            w.UInt((uint)u.Length);
            w.Bytes(u);
        }
        return w.Written.ToArray();
    }

    /// <summary>Calls <paramref name="each"/> with every update of the batch; refuses a malformed batch.</summary>
    public static int ForEach(ReadOnlySpan<byte> batch, Action<ReadOnlyMemory<byte>> each, ReadOnlyMemory<byte> owner)
    {
        var r = new ByteReader(batch);
        var count = r.Count(1 << 24);
        for (var i = 0; i < count; i++)
        {
            var len = r.Count(batch.Length);
            var start = r.Position;
            r.Bytes(len);
            each(owner.Slice(start, len));
        }
        if (!r.AtEnd) throw new EditRejectedException("trailing bytes after the batch");
        return count;
    }
}
