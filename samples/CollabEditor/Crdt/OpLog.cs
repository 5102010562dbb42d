namespace CollabEditor.Crdt;

internal enum OpKind : byte
{
    Insert = 0,
    Delete = 1,
}

/// <summary>One operation of a transaction: an insert of the author's items [Seq, Seq + Len) or a delete of the items
/// (Agent, Seq .. Seq + Len - 1).</summary>
internal readonly record struct Op(OpKind Kind, int Agent, int Seq, int Len);

/// <summary>
/// The operations of one agent's transactions, run-length encoded: consecutive transactions that each insert (or
/// delete) one item next to the previous one's are one entry, so typing and backspacing cost a few bytes per run, not
/// per keystroke. Needed to retreat and advance transactions for edits at a past version.
/// </summary>
internal sealed class OpLog
{
    private struct Entry
    {
        public int TxnFirst;
        public int TxnCount;
        public OpKind Kind;
        public sbyte Step;
        public int Agent;
        public int Seq;
        public int Len;
    }

    private Entry[] _entries = new Entry[4];
    private int _count;

    public int EntryCount => _count;

    public void Add(int txn, OpKind kind, int agent, int seq, int len)
    {
        if (_count > 0)
        {
            ref var e = ref _entries[_count - 1];
            if (e.Kind == kind && e.Agent == agent && len == 1 && e.Len == 1 && txn == e.TxnFirst + e.TxnCount)
            {
                if (e.TxnCount == 1 && (seq == e.Seq + 1 || seq == e.Seq - 1))
                {
                    e.Step = (sbyte)(seq - e.Seq);
                    e.TxnCount = 2;
                    return;
                }
                if (e.TxnCount > 1 && seq == e.Seq + e.TxnCount * e.Step)
                {
                    e.TxnCount++;
                    return;
                }
            }
        }
        if (_count == _entries.Length) Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = new Entry { TxnFirst = txn, TxnCount = 1, Kind = kind, Step = 0, Agent = agent, Seq = seq, Len = len };
    }

    /// <summary>Appends the operations of transactions [from, to) in order.</summary>
    public void Collect(int from, int to, List<Op> into)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_entries[mid].TxnFirst + _entries[mid].TxnCount <= from) lo = mid + 1;
            else hi = mid;
        }
        for (var i = lo; i < _count && _entries[i].TxnFirst < to; i++)
        {
            ref var e = ref _entries[i];
            if (e.TxnCount == 1)
            {
                into.Add(new Op(e.Kind, e.Agent, e.Seq, e.Len));
                continue;
            }
            var first = Math.Max(from, e.TxnFirst);
            var last = Math.Min(to, e.TxnFirst + e.TxnCount);
            for (var t = first; t < last; t++) into.Add(new Op(e.Kind, e.Agent, e.Seq + (t - e.TxnFirst) * e.Step, 1));
        }
    }
}
