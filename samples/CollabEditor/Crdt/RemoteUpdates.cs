using System.Text;

namespace CollabEditor.Crdt;

// Integrating other replicas' transactions. An update that names an item this replica does not have, or skips a
// transaction of its author, has its causal past missing: TryApplyUpdate says so (and what it waits for) without
// changing anything, so that a caller can hold it back (CausalBuffer); ApplyUpdate refuses it.
public sealed partial class TextDocument
{
    private struct DecodedOp
    {
        public OpKind Kind;
        public int Agent;
        public int Seq;
        public int Len;
        public int OlA, OlS, OrA, OrS;
        public int TextStart, TextBytes;
    }

    private DecodedOp[] _decoded = new DecodedOp[8];
    private int[] _nameMap = new int[4];
    private char[] _chars = new char[256];

    /// <summary>The author and transaction index of an encoded update, without applying it.</summary>
    public static (string Author, int Txn) PeekUpdate(ReadOnlySpan<byte> update)
    {
        var r = new ByteReader(update);
        if (r.Byte() != UpdateWriter.Format) throw new EditRejectedException("unknown update format");
        if (r.Count(1 << 16) < 1) throw new EditRejectedException("update without author");
        var author = Encoding.UTF8.GetString(r.Bytes(r.Count(1 << 16)));
        return (author, r.Count());
    }

    /// <summary>
    /// Integrates a remote transaction. Returns false (and changes nothing) when it was already integrated; throws
    /// <see cref="EditRejectedException"/> (and changes nothing) when it is malformed or its causal past is missing.
    /// </summary>
    public bool ApplyUpdate(ReadOnlySpan<byte> update)
    {
        var outcome = TryApplyUpdate(update, out var missing);
        if (outcome == UpdateOutcome.Waiting) throw new EditRejectedException(missing.Describe());
        return outcome == UpdateOutcome.Applied;
    }

    /// <summary>
    /// Integrates a remote transaction if its causal past is here. <see cref="UpdateOutcome.Waiting"/> (nothing
    /// changed) names in <paramref name="missing"/> the first thing it lacks: a transaction of its author or an item
    /// of some agent. Throws <see cref="EditRejectedException"/> (and changes nothing) when it is malformed.
    /// </summary>
    public UpdateOutcome TryApplyUpdate(ReadOnlySpan<byte> update, out MissingPast missing)
    {
        missing = default;
        var r = new ByteReader(update);
        if (r.Byte() != UpdateWriter.Format) throw new EditRejectedException("unknown update format");
        var names = r.Count(1 << 16);
        if (names < 1) throw new EditRejectedException("update without author");
        if (_nameMap.Length < names) _nameMap = new int[names];
        for (var i = 0; i < names; i++)
        {
            var bytes = r.Bytes(r.Count(1 << 16));
            var name = Encoding.UTF8.GetString(bytes);
            if (name.Length == 0) throw new EditRejectedException("empty agent name");
            _nameMap[i] = Agent(name);
        }
        var author = _nameMap[0];
        var a = _agents[author];
        var txn = r.Count();
        if (txn < a.Txns) return UpdateOutcome.Duplicate;
        if (txn > a.Txns)
        {
            missing = new MissingPast(a.Name, txn, -1, a.Txns);
            return UpdateOutcome.Waiting;
        }
        var count = r.Count(1 << 24);
        if (_decoded.Length < count) _decoded = new DecodedOp[Math.Max(count, _decoded.Length * 2)];
        var nextSeq = a.NextSeq;
        for (var i = 0; i < count; i++)
        {
            ref var op = ref _decoded[i];
            op.Kind = (OpKind)r.Byte();
            if (op.Kind == OpKind.Insert)
            {
                op.Agent = author;
                op.Seq = r.Count();
                op.Len = r.Count(1 << 28);
                if (op.Seq != nextSeq) throw new EditRejectedException($"insert at counter {op.Seq} of '{a.Name}', expected {nextSeq}");
                if (op.Len == 0) throw new EditRejectedException("empty insert");
                ReadRef(ref r, names, out op.OlA, out op.OlS);
                ReadRef(ref r, names, out op.OrA, out op.OrS);
                if (!Exists(op.OlA, op.OlS, 1, author, nextSeq, txn, out missing)
                    || !Exists(op.OrA, op.OrS, 1, author, nextSeq, txn, out missing)) return UpdateOutcome.Waiting;
                var n = r.Count(1 << 30);
                op.TextStart = r.Position;
                op.TextBytes = n;
                var text = r.Bytes(n);
                int cps;
                try
                {
                    cps = Utf8CodePoints(text);
                }
                catch (DecoderFallbackException)
                {
                    throw new EditRejectedException("insert text is not valid UTF-8");
                }
                if (cps != op.Len) throw new EditRejectedException($"insert of {op.Len} items carries {cps} code points");
                nextSeq += op.Len;
            }
            else if (op.Kind == OpKind.Delete)
            {
                ReadRef(ref r, names, out op.Agent, out op.Seq);
                op.Len = r.Count(1 << 28);
                if (op.Agent < 0 || op.Len == 0) throw new EditRejectedException("malformed delete");
                if (!Exists(op.Agent, op.Seq, op.Len, author, nextSeq, txn, out missing)) return UpdateOutcome.Waiting;
            }
            else
            {
                throw new EditRejectedException($"unknown operation kind {(int)op.Kind}");
            }
        }
        if (!r.AtEnd) throw new EditRejectedException("trailing bytes after the update");

        for (var i = 0; i < count; i++)
        {
            ref var op = ref _decoded[i];
            if (op.Kind == OpKind.Insert) RemoteInsert(author, txn, in op, update.Slice(op.TextStart, op.TextBytes));
            else
            {
                ChangeState(op.Agent, op.Seq, op.Len, StateChange.Delete);
                a.Log.Add(txn, OpKind.Delete, op.Agent, op.Seq, op.Len);
            }
        }
        a.Txns++;
        NoteIntegrated(author, txn);
        _text = null;
        return UpdateOutcome.Applied;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static int Utf8CodePoints(ReadOnlySpan<byte> text)
    {
        var ascii = true;
        foreach (var b in text)
            if (b >= 0x80)
            {
                ascii = false;
                break;
            }
        if (ascii) return text.Length;
        var chars = StrictUtf8.GetCharCount(text);
        var buf = chars <= 512 ? stackalloc char[chars] : new char[chars];
        StrictUtf8.GetChars(text, buf);
        var n = 0;
        for (var i = 0; i < buf.Length; i++)
            if (!char.IsLowSurrogate(buf[i])) n++;
        return n;
    }

    private void ReadRef(ref ByteReader r, int names, out int agent, out int seq)
    {
        var k = r.Count(names);
        if (k == 0)
        {
            agent = -1;
            seq = 0;
            return;
        }
        agent = _nameMap[k - 1];
        seq = r.Count();
    }

    /// <summary>Checks that items [seq, seq + len) of an agent exist here (the author's earlier inserts in the same
    /// update count: they are applied first).</summary>
    private bool Exists(int agent, int seq, int len, int author, int authorNextSeq, int txn, out MissingPast missing)
    {
        missing = default;
        if (agent < 0) return true;
        var limit = agent == author ? authorNextSeq : _agents[agent].NextSeq;
        if ((long)seq + len <= limit) return true;
        if (agent == author) throw new EditRejectedException($"update names item ({_agents[agent].Name}, {seq + len - 1}) of its own author that it does not insert");
        missing = new MissingPast(_agents[author].Name, txn, agent, seq + len - 1) { AgentName = _agents[agent].Name };
        return false;
    }

    private void RemoteInsert(int author, int txn, in DecodedOp op, ReadOnlySpan<byte> utf8)
    {
        var a = _agents[author];
        var chars = Encoding.UTF8.GetCharCount(utf8);
        if (_chars.Length < chars) _chars = new char[Math.Max(chars, _chars.Length * 2)];
        var n = Encoding.UTF8.GetChars(utf8, _chars);
        a.AppendText(_chars.AsSpan(0, n), op.Len);
        Leaf leaf;
        int idx, off;
        if (op.OlA < 0)
        {
            leaf = _first;
            idx = 0;
            off = 0;
        }
        else
        {
            FindById(op.OlA, op.OlS, out leaf, out idx, out off);
            off++;
        }
        Integrate(author, op.Seq, op.OlA, op.OlS, op.OrA, op.OrS, ref leaf, ref idx, ref off);
        Place(author, op.Seq, op.Len, op.OlA, op.OlS, op.OrA, op.OrS, leaf, idx, off);
        a.Log.Add(txn, OpKind.Insert, author, op.Seq, op.Len);
    }
}
