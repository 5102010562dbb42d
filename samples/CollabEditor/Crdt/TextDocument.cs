using System.Text;

namespace CollabEditor.Crdt;

/// <summary>
/// A replicated plain-text document: a sequence CRDT of items named (agent, counter), with tombstone deletes and
/// Fugue's maximal non-interleaving order (the YjsMod / FugueMax integration of diamond-types, see docs/editor.md).
/// Items are stored as runs in an order-statistic B+tree; positions are Unicode code points. Not thread-safe.
/// </summary>
public sealed partial class TextDocument
{
    private readonly List<AgentData> _agents = new();
    private readonly Dictionary<string, int> _agentIndex = new(StringComparer.Ordinal);
    private string? _text;

    public TextDocument()
    {
        _first = NewLeaf();
        _root = _first;
    }

    /// <summary>Visible length in code points.</summary>
    public int Length => _root.Vis;

    /// <summary>Items ever inserted, deleted ones included.</summary>
    public int ItemCount => _root.Tot;

    public int AgentCount => _agents.Count;

    public string AgentName(int agent) => _agents[agent].Name;

    /// <summary>The local index of an agent, registering it when new.</summary>
    public int Agent(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_agentIndex.TryGetValue(name, out var index)) return index;
        index = _agents.Count;
        _agents.Add(new AgentData(name));
        _agentIndex.Add(name, index);
        return index;
    }

    public bool TryGetAgent(string name, out int agent) => _agentIndex.TryGetValue(name, out agent);

    /// <summary>Transactions of <paramref name="agent"/> integrated here.</summary>
    public int TxnCount(int agent) => _agents[agent].Txns;

    /// <summary>The current version: transactions integrated per agent, by agent name.</summary>
    public IReadOnlyDictionary<string, int> Version()
    {
        var v = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in _agents) v[a.Name] = a.Txns;
        return v;
    }

    /// <summary>Total transactions integrated.</summary>
    public long TotalTxns
    {
        get
        {
            long n = 0;
            foreach (var a in _agents) n += a.Txns;
            return n;
        }
    }

    /// <summary>The current text (cached until the next change).</summary>
    public string GetText()
    {
        if (_text is not null) return _text;
        var sb = new StringBuilder(_root.Vis + 16);
        for (Leaf? leaf = _first; leaf is not null; leaf = leaf.Next)
        {
            for (var i = 0; i < leaf.Count; i++)
            {
                ref var run = ref leaf.Runs[i];
                if (run.State == 1) _agents[run.Agent].CopyText(run.Seq, run.Len, sb);
            }
        }
        return _text = sb.ToString();
    }

    /// <summary>Runs in the tree (for measurements).</summary>
    public int RunCount
    {
        get
        {
            var n = 0;
            for (Leaf? leaf = _first; leaf is not null; leaf = leaf.Next) n += leaf.Count;
            return n;
        }
    }

    /// <summary>
    /// Applies a local transaction of <paramref name="agent"/> at the current version: the patches in order, each on the
    /// text the previous one left. Returns the encoded update for the other replicas when <paramref name="update"/>
    /// is given (it is reset first).
    /// </summary>
    public void Edit(int agent, ReadOnlySpan<Patch> patches, UpdateWriter? update = null) => EditCore(agent, patches, update);

    /// <summary>
    /// Applies a local transaction of <paramref name="agent"/> at a past version: <paramref name="version"/> gives, per
    /// local agent index, how many of its transactions the edit's author had seen (missing entries are 0). Positions are
    /// positions in the text at that version. The version must include every earlier transaction of the agent.
    /// </summary>
    public void EditAt(int agent, ReadOnlySpan<int> version, ReadOnlySpan<Patch> patches, UpdateWriter? update = null)
    {
        var current = true;
        for (var b = 0; b < _agents.Count; b++)
        {
            var vb = b < version.Length ? version[b] : 0;
            if (vb > _agents[b].Txns)
                throw new EditRejectedException($"version names {vb} transactions of '{_agents[b].Name}'; this replica has {_agents[b].Txns}");
            if (vb < _agents[b].Txns) current = false;
        }
        if (version.Length > _agents.Count)
            for (var b = _agents.Count; b < version.Length; b++)
                if (version[b] != 0) throw new EditRejectedException($"version names unknown agent index {b}");
        if (current)
        {
            EditCore(agent, patches, update);
            return;
        }
        for (var b = 0; b < _base.Length; b++)
            if (VersionOf(version, b) < _base[b])
                throw new EditRejectedException($"version names {VersionOf(version, b)} transactions of '{_agents[b].Name}', before the state this replica was loaded from ({_base[b]})");
        if (version[agent] != _agents[agent].Txns)
            throw new EditRejectedException($"agent '{_agents[agent].Name}' edits at a version without its own transaction {version[agent]}: an agent's transactions must be sequential");
        var pieces = DiffFrom(version);
        Retreat(pieces);
        try
        {
            ValidatePatches(patches, _root.Vis);
            EditCore(agent, patches, update, validated: true);
        }
        finally
        {
            Advance(pieces);
        }
    }

    private void EditCore(int agent, ReadOnlySpan<Patch> patches, UpdateWriter? update, bool validated = false)
    {
        var a = _agents[agent];
        if (!validated) ValidatePatches(patches, _root.Vis);
        update?.Begin(this, agent, a.Txns);
        var txn = a.Txns;
        foreach (var p in patches)
        {
            if (p.Deleted > 0) LocalDelete(agent, txn, p.Position, p.Deleted, update);
            if (!string.IsNullOrEmpty(p.Inserted)) LocalInsert(agent, txn, p.Position, p.Inserted, update);
        }
        a.Txns++;
        NoteIntegrated(agent, txn);
        _text = null;
    }

    /// <summary>Checks positions and text of a transaction before anything changes; a bad patch rejects all.</summary>
    private static void ValidatePatches(ReadOnlySpan<Patch> patches, int length)
    {
        for (var i = 0; i < patches.Length; i++)
        {
            var p = patches[i];
            if (p.Position < 0 || p.Deleted < 0 || p.Position > length || p.Deleted > length - p.Position)
                throw new EditRejectedException($"patch {i} [{p.Position}, {p.Deleted}] is outside the document (length {length})");
            var ins = CodePoints(p.Inserted);
            if (ins < 0) throw new EditRejectedException($"patch {i} inserts text with a lone surrogate");
            length = length - p.Deleted + ins;
        }
    }

    /// <summary>Code points in <paramref name="s"/>, or -1 when it holds a lone surrogate.</summary>
    public static int CodePoints(string? s)
    {
        if (string.IsNullOrEmpty(s)) return 0;
        var n = s.Length;
        var span = s.AsSpan();
        var i = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return n;
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= span.Length || !char.IsLowSurrogate(span[i + 1])) return -1;
                n--;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return -1;
            }
        }
        return n;
    }

    private void LocalInsert(int agent, int txn, int pos, string text, UpdateWriter? update)
    {
        var a = _agents[agent];
        var cps = CodePoints(text);
        var seq = a.NextSeq;
        int olA = -1, olS = 0;
        Leaf leaf;
        int idx, off;
        if (pos == 0)
        {
            leaf = _first;
            idx = 0;
            off = 0;
        }
        else
        {
            FindVisible(pos - 1, out leaf, out idx, out off);
            ref var r = ref leaf.Runs[idx];
            olA = r.Agent;
            olS = r.Seq + off;
            off++;
        }
        FindOriginRight(leaf, idx, off, out var orA, out var orS);
        a.AppendText(text, cps);
        Integrate(agent, seq, olA, olS, orA, orS, ref leaf, ref idx, ref off);
        Place(agent, seq, cps, olA, olS, orA, orS, leaf, idx, off);
        a.Log.Add(txn, OpKind.Insert, agent, seq, cps);
        update?.Insert(seq, cps, olA, olS, orA, orS, text);
    }

    /// <summary>The first item at or after the cursor that exists at the version being edited (State != 0).</summary>
    private static void FindOriginRight(Leaf leaf, int idx, int off, out int orA, out int orS)
    {
        var l = leaf;
        if (Normalize(ref l, ref idx, ref off))
        {
            while (true)
            {
                ref var r = ref l.Runs[idx];
                if (r.State != 0)
                {
                    orA = r.Agent;
                    orS = r.Seq + off;
                    return;
                }
                idx++;
                off = 0;
                if (!Normalize(ref l, ref idx, ref off)) break;
            }
        }
        orA = -1;
        orS = 0;
    }

    /// <summary>
    /// Moves the cursor (right after the left origin) past the concurrent items that precede the new item (agent, seq)
    /// between its origins: YATA's rules with Fugue's right-origin comparison for siblings (YjsMod = FugueMax).
    /// </summary>
    private void Integrate(int agent, int seq, int olA, int olS, int orA, int orS, ref Leaf leaf, ref int idx, ref int off)
    {
        var l = leaf;
        int i = idx, o = off;
        if (!Normalize(ref l, ref i, ref o)) return;
        ref var first = ref l.Runs[i];
        if (first.Agent == orA && first.Seq + o == orS) return;

        var leftIdx = olA < 0 ? -1 : DocIndexOf(olA, olS);
        var myRight = long.MinValue;
        var scanning = false;
        Leaf sl = l;
        int si = i, so = o;
        var atEnd = false;
        while (true)
        {
            ref var r = ref l.Runs[i];
            int oa = r.Agent, os = r.Seq + o;
            if (oa == orA && os == orS) break;
            int oolA, oolS;
            if (o > 0)
            {
                oolA = oa;
                oolS = os - 1;
            }
            else
            {
                oolA = r.OlAgent;
                oolS = r.OlSeq;
            }
            var otherLeft = oolA == olA && oolS == olS ? leftIdx : oolA < 0 ? -1 : DocIndexOf(oolA, oolS);
            if (otherLeft < leftIdx) break;
            if (otherLeft == leftIdx)
            {
                if (r.OrAgent == orA && r.OrSeq == orS)
                {
                    var c = string.CompareOrdinal(_agents[agent].Name, _agents[oa].Name);
                    if (c < 0 || (c == 0 && seq < os)) break;
                    scanning = false;
                }
                else
                {
                    if (myRight == long.MinValue) myRight = orA < 0 ? long.MaxValue : DocIndexOf(orA, orS);
                    var otherRight = r.OrAgent < 0 ? long.MaxValue : DocIndexOf(r.OrAgent, r.OrSeq);
                    if (otherRight < myRight)
                    {
                        if (!scanning)
                        {
                            scanning = true;
                            sl = l;
                            si = i;
                            so = o;
                        }
                    }
                    else
                    {
                        scanning = false;
                    }
                }
            }
            i++;
            o = 0;
            if (!Normalize(ref l, ref i, ref o))
            {
                atEnd = true;
                break;
            }
        }
        if (scanning)
        {
            leaf = sl;
            idx = si;
            off = so;
        }
        else if (atEnd)
        {
            leaf = l;
            idx = l.Count;
            off = 0;
        }
        else
        {
            leaf = l;
            idx = i;
            off = o;
        }
    }

    /// <summary>Puts the new run at the cursor: splits the run there if needed, extends the previous run when the new
    /// items continue it (typing), else inserts a run.</summary>
    private void Place(int agent, int seq, int len, int olA, int olS, int orA, int orS, Leaf leaf, int idx, int off)
    {
        if (idx < leaf.Count && off > 0)
        {
            if (off < leaf.Runs[idx].Len) SplitRun(ref leaf, ref idx, off);
            idx++;
        }
        var run = new Run { Agent = agent, Seq = seq, Len = len, OlAgent = olA, OlSeq = olS, OrAgent = orA, OrSeq = orS, State = 1 };
        if (idx > 0 && leaf.Runs[idx - 1].CanAppend(run))
        {
            leaf.Runs[idx - 1].Len += len;
            _agents[agent].SetLeaf(seq, len, leaf.Id);
            AddCounts(leaf, len, len);
            return;
        }
        InsertRun(ref leaf, ref idx, run);
    }

    private void LocalDelete(int agent, int txn, int pos, int count, UpdateWriter? update)
    {
        FindVisible(pos, out var leaf, out var idx, out var off);
        var log = _agents[agent].Log;
        while (count > 0)
        {
            ref var r = ref leaf.Runs[idx];
            if (r.State == 1)
            {
                if (off > 0)
                {
                    SplitRun(ref leaf, ref idx, off);
                    idx++;
                    off = 0;
                }
                var take = Math.Min(count, leaf.Runs[idx].Len);
                if (take < leaf.Runs[idx].Len) SplitRun(ref leaf, ref idx, take);
                ref var piece = ref leaf.Runs[idx];
                piece.State++;
                AddCounts(leaf, -take, 0);
                log.Add(txn, OpKind.Delete, piece.Agent, piece.Seq, take);
                update?.Delete(piece.Agent, piece.Seq, take);
                count -= take;
                TryMergeNext(leaf, idx);
                if (TryMergeNext(leaf, idx - 1)) idx--;
                if (count == 0) break;
            }
            idx++;
            off = 0;
            if (!Normalize(ref leaf, ref idx, ref off)) throw new InvalidOperationException("corrupt tree: delete past the end");
        }
    }
}
