using System.Text;
using CollabEditor.Crdt;

namespace CollabEditor.Editing;

/// <summary>What an editor broadcasts, as bytes (Akka's byte-array serializer carries them as they are): a first byte
/// for the kind, then an edit batch, a caret (a person's name and the item left of their caret) or a whole state.</summary>
public static class Payloads
{
    public const byte Edits = 1;
    public const byte Caret = 2;
    /// <summary>A replica's whole state (<see cref="TextDocument.EncodeState"/>), carried to the group by a member that
    /// had history of its own when a state transfer replaced it: members merge it.</summary>
    public const byte State = 3;

    public sealed record CaretPayload(string Name, Anchor? Anchor);

    public static byte[] EncodeEdits(IReadOnlyList<byte[]> updates)
    {
        var batch = EditBatch.Encode(updates);
        var payload = new byte[batch.Length + 1];
        payload[0] = Edits;
        batch.CopyTo(payload, 1);
        return payload;
    }

    public static byte[] EncodeState(byte[] state)
    {
        var payload = new byte[state.Length + 1];
        payload[0] = State;
        state.CopyTo(payload, 1);
        return payload;
    }

    public static byte[] EncodeCaret(string name, Anchor? anchor)
    {
        var w = new ByteWriter(64);
        w.Byte(Caret);
        w.Utf8(name);
        w.Utf8(anchor?.Agent ?? "");
        w.UInt(anchor is { } a ? (uint)a.Seq + 1 : 0);
        return w.Written.ToArray();
    }

    public static CaretPayload DecodeCaret(ReadOnlySpan<byte> payload)
    {
        var r = new ByteReader(payload);
        if (r.Byte() != Caret) throw new EditRejectedException("not a caret payload");
        var name = Encoding.UTF8.GetString(r.Bytes(r.Count(1024)));
        var agent = Encoding.UTF8.GetString(r.Bytes(r.Count(1024)));
        var seq = r.Count();
        return new CaretPayload(name, seq == 0 || agent.Length == 0 ? null : new Anchor(agent, seq - 1));
    }
}
