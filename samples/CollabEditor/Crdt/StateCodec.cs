using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CollabEditor.Crdt;

// The full state, what a joiner loads: agents with their transaction counts, the runs in document order (origins
// written only where they are not implied by the previous run), varint-encoded and left uncompressed, then the visible
// text, Brotli-compressed. Deleted text is not kept (a loaded replica never shows it). A loaded replica cannot edit at
// versions before the state's.
// Why only the text is compressed: decompressing the runs cost about as much as decoding them (0.53 ms of a 2 ms load on
// automerge-paper) and saved only 43 KB; the text compresses 4x and decompresses at four times the speed.
public sealed partial class TextDocument
{
    private const byte StateFormat = 3;
    private const int HeaderLength = 9;
    private int[] _base = [];

    [Flags]
    private enum RunFlags : byte
    {
        Deleted = 1,
        OlIsPrevious = 2,
        OlIsStart = 4,
        OrAsPrevious = 8,
        OrIsEnd = 16,
        AgentAsPrevious = 32,
        OlInOwnAgent = 64,
        OrInOwnAgent = 128,
    }

    public byte[] EncodeState()
    {
        var w = new ByteWriter(1 << 16);
        w.UInt((uint)_agents.Count);
        foreach (var a in _agents)
        {
            w.Utf8(a.Name);
            w.UInt((uint)a.Txns);
            w.UInt((uint)a.NextSeq);
        }
        w.UInt((uint)RunCount);
        int pa = -1, ps = 0, pOrA = -1, pOrS = 0;
        var text = new StringBuilder(_root.Vis + 16);
        for (Leaf? leaf = _first; leaf is not null; leaf = leaf.Next)
        {
            for (var i = 0; i < leaf.Count; i++)
            {
                ref var r = ref leaf.Runs[i];
                RunFlags f = 0;
                if (r.State != 1) f |= RunFlags.Deleted;
                if (r.OlAgent < 0) f |= RunFlags.OlIsStart;
                else if (r.OlAgent == pa && r.OlSeq == ps) f |= RunFlags.OlIsPrevious;
                if (r.OrAgent < 0) f |= RunFlags.OrIsEnd;
                else if (r.OrAgent == pOrA && r.OrSeq == pOrS) f |= RunFlags.OrAsPrevious;
                if (r.Agent == pa) f |= RunFlags.AgentAsPrevious;
                var explicitOl = (f & (RunFlags.OlIsStart | RunFlags.OlIsPrevious)) == 0;
                var explicitOr = (f & (RunFlags.OrIsEnd | RunFlags.OrAsPrevious)) == 0;
                if (explicitOl && r.OlAgent == r.Agent) f |= RunFlags.OlInOwnAgent;
                if (explicitOr && r.OrAgent == r.Agent) f |= RunFlags.OrInOwnAgent;
                w.Byte((byte)f);
                if ((f & RunFlags.AgentAsPrevious) == 0) w.UInt((uint)r.Agent);
                w.Int(r.Seq - (r.Agent == pa ? ps : 0));
                w.UInt((uint)r.Len);
                if (explicitOl)
                {
                    if ((f & RunFlags.OlInOwnAgent) == 0) w.UInt((uint)r.OlAgent);
                    w.Int(r.OlSeq - r.Seq);
                }
                if (explicitOr)
                {
                    if ((f & RunFlags.OrInOwnAgent) == 0) w.UInt((uint)r.OrAgent);
                    w.Int(r.OrSeq - r.Seq);
                }
                if (r.State == 1) _agents[r.Agent].CopyText(r.Seq, r.Len, text);
                pa = r.Agent;
                ps = r.Seq + r.Len - 1;
                pOrA = r.OrAgent;
                pOrS = r.OrSeq;
            }
        }
        var runs = w.Written;
        var utf8 = Encoding.UTF8.GetBytes(text.ToString());
        // format byte, runs length, text length (UTF-8 bytes), the runs, the compressed text
        var output = new byte[HeaderLength + runs.Length + BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        output[0] = StateFormat;
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(1), runs.Length);
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(5), utf8.Length);
        runs.CopyTo(output.AsSpan(HeaderLength));
        if (!BrotliEncoder.TryCompress(utf8, output.AsSpan(HeaderLength + runs.Length), out var written, quality: 9, window: 22))
            throw new InvalidOperationException("state compression failed");
        return output.AsSpan(0, HeaderLength + runs.Length + written).ToArray();
    }

    /// <summary>Loads a replica from <see cref="EncodeState"/>'s bytes; refuses (EditRejectedException) bad ones.</summary>
    public static TextDocument LoadState(ReadOnlySpan<byte> state)
    {
        if (state.Length < HeaderLength || state[0] != StateFormat) throw new EditRejectedException("not an encoded document state");
        var runsLength = BinaryPrimitives.ReadInt32LittleEndian(state[1..]);
        var textLength = BinaryPrimitives.ReadInt32LittleEndian(state[5..]);
        if (runsLength < 0 || runsLength > state.Length - HeaderLength || textLength < 0 || textLength > 1 << 30)
            throw new EditRejectedException("bad state length");
        // a pooled buffer: the decompressed text only lives while the tree is built
        var pooled = ArrayPool<byte>.Shared.Rent(textLength);
        try
        {
            var text = pooled.AsSpan(0, textLength);
            if (!BrotliDecoder.TryDecompress(state[(HeaderLength + runsLength)..], text, out var got) || got != textLength)
                throw new EditRejectedException("corrupt state (decompression failed)");
            return Decode(state.Slice(HeaderLength, runsLength), text);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new EditRejectedException($"corrupt state ({e.Message})");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>Decodes the runs straight into leaves (filled to 3/4, room left in every node), then copies the visible
    /// text from its UTF-8 bytes into the agents' buffers (ASCII widened without an intermediate string), then builds
    /// the inner levels bottom-up.</summary>
    private static TextDocument Decode(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> text)
    {
        var r = new ByteReader(raw);
        var doc = new TextDocument();
        var agents = r.Count(1 << 20);
        doc._base = new int[agents];
        for (var i = 0; i < agents; i++)
        {
            var name = Encoding.UTF8.GetString(r.Bytes(r.Count(1 << 16)));
            if (doc.Agent(name) != i) throw new EditRejectedException($"duplicate agent '{name}' in state");
            var a = doc._agents[i];
            a.Txns = r.Count();
            doc._base[i] = a.Txns;
            var next = r.Count(1 << 30);
            a.NextSeq = 0;
            a.Reserve(next);
            a.NextSeq = next;
        }
        var byIndex = doc._agents.ToArray();
        var items = new long[agents];
        var count = r.Count(1 << 28);
        const int perLeaf = Leaf.Capacity * 3 / 4;
        var level = new List<Node>(Math.Min(count, raw.Length) / perLeaf + 1);
        var leaf = doc._first;
        int pa = -1, ps = 0, pOrA = -1, pOrS = 0;
        for (var i = 0; i < count; i++)
        {
            if (leaf.Count == perLeaf)
            {
                var nextLeaf = doc.NewLeaf();
                leaf.Next = nextLeaf;
                level.Add(leaf);
                leaf = nextLeaf;
            }
            var f = (RunFlags)r.Byte();
            ref var run = ref leaf.Runs[leaf.Count];
            if ((f & RunFlags.AgentAsPrevious) == 0) run.Agent = r.Count(agents - 1);
            else if (pa < 0) throw new EditRejectedException($"state run {i} repeats the agent of no previous run");
            else run.Agent = pa;
            run.Seq = r.Int() + (run.Agent == pa ? ps : 0);
            run.Len = r.Count(1 << 30);
            if ((f & RunFlags.OlIsStart) != 0) (run.OlAgent, run.OlSeq) = (-1, 0);
            else if ((f & RunFlags.OlIsPrevious) != 0) (run.OlAgent, run.OlSeq) = (pa, ps);
            else
            {
                run.OlAgent = (f & RunFlags.OlInOwnAgent) != 0 ? run.Agent : r.Count(agents - 1);
                run.OlSeq = r.Int() + run.Seq;
            }
            if ((f & RunFlags.OrIsEnd) != 0) (run.OrAgent, run.OrSeq) = (-1, 0);
            else if ((f & RunFlags.OrAsPrevious) != 0) (run.OrAgent, run.OrSeq) = (pOrA, pOrS);
            else
            {
                run.OrAgent = (f & RunFlags.OrInOwnAgent) != 0 ? run.Agent : r.Count(agents - 1);
                run.OrSeq = r.Int() + run.Seq;
            }
            run.State = (f & RunFlags.Deleted) != 0 ? 2 : 1;
            var a = byIndex[run.Agent];
            if (run.Len == 0 || run.Seq < 0 || (long)run.Seq + run.Len > a.NextSeq)
                throw new EditRejectedException($"state run {i} lies outside its agent's items");
            if ((run.OlAgent >= 0 && (uint)run.OlSeq >= (uint)byIndex[run.OlAgent].NextSeq)
                || (run.OrAgent >= 0 && (uint)run.OrSeq >= (uint)byIndex[run.OrAgent].NextSeq))
                throw new EditRejectedException($"state run {i} has an origin outside its agent's items");
            items[run.Agent] += run.Len;
            if (run.Len <= 16)
            {
                // short runs (most): a plain loop beats Span.Fill's setup
                var leafOf = a.LeafOf;
                for (int k = run.Seq, end = run.Seq + run.Len; k < end; k++) leafOf[k] = leaf.Id;
            }
            else
            {
                a.SetLeaf(run.Seq, run.Len, leaf.Id);
            }
            leaf.Count++;
            leaf.Tot += run.Len;
            if (run.State == 1) leaf.Vis += run.Len;
            pa = run.Agent;
            ps = run.Seq + run.Len - 1;
            pOrA = run.OrAgent;
            pOrS = run.OrSeq;
        }
        level.Add(leaf);
        for (var k = 0; k < agents; k++)
            if (items[k] != byIndex[k].NextSeq)
                throw new EditRejectedException($"state runs cover {items[k]} items of agent '{byIndex[k].Name}', which has {byIndex[k].NextSeq}");
        if (!r.AtEnd) throw new EditRejectedException("state runs longer than their count");
        doc.CopyVisibleText(text);
        doc.BuildInner(level);
        return doc;
    }

    /// <summary>Copies the visible text (UTF-8, in document order) to the agents' items of the visible runs.</summary>
    private void CopyVisibleText(ReadOnlySpan<byte> text)
    {
        var t = 0;
        var ascii = Ascii.IsValid(text);
        var byIndex = _agents.ToArray();
        for (Leaf? leaf = _first; leaf is not null; leaf = leaf.Next)
        {
            for (var i = 0; i < leaf.Count; i++)
            {
                ref var run = ref leaf.Runs[i];
                if (run.State != 1) continue;
                var a = byIndex[run.Agent];
                var dest = a.Text.AsSpan(run.Seq, run.Len);
                // ASCII: one byte per code point, widened in place (short runs by a plain loop)
                if (ascii && t + run.Len <= text.Length)
                {
                    var src = text.Slice(t, run.Len);
                    if (src.Length <= 16)
                        for (var k = 0; k < src.Length; k++) dest[k] = (char)src[k];
                    else
                        Ascii.ToUtf16(src, dest, out _);
                    t += run.Len;
                    continue;
                }
                if (t + run.Len <= text.Length && Ascii.ToUtf16(text.Slice(t, run.Len), dest, out _) == OperationStatus.Done)
                {
                    t += run.Len;
                    continue;
                }
                for (var k = 0; k < run.Len; k++)
                {
                    if (t >= text.Length) throw new EditRejectedException("state text shorter than its visible runs");
                    if (Rune.DecodeFromUtf8(text[t..], out var rune, out var used) != OperationStatus.Done)
                        throw new EditRejectedException("state text is not valid UTF-8");
                    t += used;
                    if (rune.IsBmp)
                    {
                        dest[k] = (char)rune.Value;
                    }
                    else
                    {
                        a.Astral ??= new Dictionary<int, int>();
                        a.Astral[run.Seq + k] = rune.Value;
                        dest[k] = AgentData.AstralMarker;
                    }
                }
            }
        }
        if (t != text.Length) throw new EditRejectedException("state text longer than its visible runs");
    }

    /// <summary>Builds the inner levels over the leaves bottom-up, with room left in every node.</summary>
    private void BuildInner(List<Node> level)
    {
        const int perInner = Inner.Capacity * 3 / 4;
        while (level.Count > 1)
        {
            var up = new List<Node>(level.Count / perInner + 1);
            for (var i = 0; i < level.Count; i += perInner)
            {
                var inner = new Inner();
                for (var k = i; k < Math.Min(level.Count, i + perInner); k++)
                {
                    inner.Children[inner.Count++] = level[k];
                    level[k].Parent = inner;
                }
                inner.Recount();
                up.Add(inner);
            }
            level = up;
        }
        _root = level[0];
        _root.Parent = null;
    }
}
