using System.Text;

namespace CollabEditor.Crdt;

// Merging another replica's full state into this one (two groups of one name merged: each side hands the other its
// state). A CRDT merge: the other side's items this replica lacks are integrated with their origins, its deletions are
// applied, each agent's transaction count becomes the larger of the two. Idempotent: merging the same state twice
// changes nothing the second time.
public sealed partial class TextDocument
{
    private readonly record struct MissingRun(int Agent, int Seq, int Len, int OlAgent, int OlSeq, int OrAgent, int OrSeq, string Text);

    /// <summary>
    /// Integrates the state <paramref name="state"/> (from <see cref="EncodeState"/> of another replica). Returns the
    /// number of items inserted and deleted here. Like a loaded replica, this one then refuses edits at versions
    /// before the merged state (it has no operation log for the other side's transactions). Throws
    /// <see cref="EditRejectedException"/> (nothing changed) for a malformed state.
    /// </summary>
    public int MergeState(ReadOnlySpan<byte> state)
    {
        var other = LoadState(state);
        var map = new int[other._agents.Count];
        for (var i = 0; i < map.Length; i++) map[i] = Agent(other._agents[i].Name);
        int Map(int a) => a < 0 ? -1 : map[a];

        // the other side's items missing here, per agent in counter order; and its deleted items
        var missing = new Dictionary<int, Queue<MissingRun>>();
        var deleted = new List<(int Agent, int Seq, int Len)>();
        for (var leaf = other._first; leaf is not null; leaf = leaf.Next)
            for (var k = 0; k < leaf.Count; k++)
            {
                var run = leaf.Runs[k];
                var agent = map[run.Agent];
                if (run.State != 1) deleted.Add((agent, run.Seq, run.Len));
                var have = _agents[agent].NextSeq;
                if (run.Seq + run.Len <= have) continue;
                var skip = Math.Max(0, have - run.Seq);
                var sb = new StringBuilder();
                other._agents[run.Agent].CopyText(run.Seq + skip, run.Len - skip, sb);
                for (var c = 0; c < sb.Length; c++)
                    if (sb[c] == '\0') sb[c] = ' '; // deleted text is not in a state: a placeholder, never visible
                var (olA, olS) = skip == 0 ? (Map(run.OlAgent), run.OlSeq) : (agent, run.Seq + skip - 1);
                if (!missing.TryGetValue(agent, out var q)) missing[agent] = q = new Queue<MissingRun>();
                q.Enqueue(new MissingRun(agent, run.Seq + skip, run.Len - skip, olA, olS, Map(run.OrAgent), run.OrSeq, sb.ToString()));
            }
        foreach (var q in missing.Values)
        {
            var sorted = q.OrderBy(r => r.Seq).ToArray();
            q.Clear();
            foreach (var r in sorted) q.Enqueue(r);
        }

        var changed = 0;
        // an item can be integrated once its origins are here and its agent's earlier items are: sweep until done
        var progress = true;
        while (progress && missing.Count > 0)
        {
            progress = false;
            foreach (var (agent, q) in missing.ToArray())
            {
                while (q.Count > 0)
                {
                    var r = q.Peek();
                    if (r.Seq != _agents[agent].NextSeq || !Has(r.OlAgent, r.OlSeq) || !Has(r.OrAgent, r.OrSeq)) break;
                    q.Dequeue();
                    InsertMerged(r, Math.Max(other._agents[Array.IndexOf(map, agent)].Txns - 1, 0));
                    changed += r.Len;
                    progress = true;
                }
                if (q.Count == 0) missing.Remove(agent);
            }
        }
        if (missing.Count > 0) throw new EditRejectedException("merged state names items it does not hold");

        foreach (var (agent, seq, len) in deleted)
            for (var s = seq; s < seq + len; s++)
                if (IsVisible(agent, s))
                {
                    ChangeState(agent, s, 1, StateChange.Delete);
                    changed++;
                }

        if (_base.Length < _agents.Count) Array.Resize(ref _base, _agents.Count);
        for (var i = 0; i < map.Length; i++)
        {
            var a = _agents[map[i]];
            var theirs = other._agents[i].Txns;
            if (theirs <= a.Txns) continue;
            while (a.Txns < theirs) NoteIntegrated(map[i], a.Txns++);
            if (theirs > _base[map[i]]) _base[map[i]] = theirs;
        }
        _text = null;
        return changed;
    }

    private bool Has(int agent, int seq) => agent < 0 || seq < _agents[agent].NextSeq;

    private bool IsVisible(int agent, int seq)
    {
        FindById(agent, seq, out var leaf, out var idx, out _);
        return leaf.Runs[idx].State == 1;
    }

    private void InsertMerged(in MissingRun r, int txn)
    {
        var utf8 = Encoding.UTF8.GetBytes(r.Text);
        var op = new DecodedOp
        {
            Kind = OpKind.Insert, Agent = r.Agent, Seq = r.Seq, Len = r.Len,
            OlA = r.OlAgent, OlS = r.OlSeq, OrA = r.OrAgent, OrS = r.OrSeq,
        };
        RemoteInsert(r.Agent, txn, in op, utf8);
    }
}
