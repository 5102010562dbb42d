using System.Text;
using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Traces;

namespace CollabEditor.Tests.Histories;

/// <summary>A run of one agent's uninterrupted typing: the items of one inserted string, or of single characters typed
/// one after the other in consecutive transactions that merged nothing in between.</summary>
public sealed record TypingRun(int Agent, List<ItemId> Items, HashSet<int> Txns);

/// <summary>A generated concurrent history: the trace (its endContent from the reference), and what the checks need.</summary>
public sealed record GeneratedHistory(
    int Seed, EditTrace Trace, ReferenceList Reference, int Inserted, int DeletedItems, List<TypingRun> Runs, HashSet<int>[] Past)
{
    public override string ToString() =>
        $"seed {Seed}: {Trace.NumAgents} agents, {Trace.Txns.Length} transactions, {Trace.PatchCount} patches, {Inserted} inserted, {DeletedItems} deleted";
}

/// <summary>
/// Seeded concurrent histories: 3–8 agents, each transaction made by one agent at a version named by random parents
/// (its own previous transaction and random earlier ones: a DAG with several roots), its patches computed on the
/// reference replica of that agent holding exactly that version: inserts of single characters, long runs and astral
/// characters, deletes of ranges, many of them at one hot position; and sessions of typing one character per
/// transaction.
/// </summary>
public static class HistoryGenerator
{
    private static readonly string[] Astral = ["😀", "🎉", "👍", "𝄞", "🙂"];

    private sealed class Replica
    {
        public ReferenceList List { get; } = new(LocalReplay.AgentName);
        public bool[] Has { get; set; } = [];
        public int NextSeq;
        public int Last = -1;
    }

    public static GeneratedHistory Generate(int seed)
    {
        var rnd = new Random(seed);
        var agents = 3 + rnd.Next(6);
        var txnCount = 15 + rnd.Next(70);
        var replicas = Enumerable.Range(0, agents).Select(_ => new Replica()).ToArray();
        var ops = new List<List<RefOp>>();
        var txns = new List<TraceTxn>();
        var past = new List<HashSet<int>>();
        var runs = new List<TypingRun>();
        TypingRun? session = null;
        int sessionPos = 0, inserted = 0;
        var deleted = new HashSet<ItemId>();
        for (var t = 0; t < txnCount; t++)
        {
            int a;
            int[] parents;
            var continuing = session is not null && rnd.Next(4) != 0;
            if (continuing)
            {
                a = session!.Agent;
                parents = [replicas[a].Last];
            }
            else
            {
                session = null;
                a = rnd.Next(agents);
                var ps = new HashSet<int>();
                if (replicas[a].Last >= 0) ps.Add(replicas[a].Last);
                var extra = t == 0 ? 0 : rnd.Next(4);
                for (var k = 0; k < extra; k++) ps.Add(rnd.Next(t));
                parents = ps.Order().ToArray();
            }
            var r = replicas[a];
            var down = new HashSet<int>(parents);
            foreach (var p in parents) down.UnionWith(past[p]);
            for (var j = 0; j < t; j++)
                if (down.Contains(j) && !(j < r.Has.Length && r.Has[j]))
                {
                    r.List.Apply(ops[j]);
                    MarkHas(r, j);
                }
            var txnOps = new List<RefOp>();
            var patches = new List<Patch>();
            if (continuing)
            {
                var ch = RandomText(rnd, 1);
                txnOps.AddRange(r.List.Insert(a, ref r.NextSeq, sessionPos, ch, t));
                patches.Add(new Patch(sessionPos, 0, ch));
                sessionPos++;
                session!.Items.Add(txnOps[0].Insert!.Id);
                session.Txns.Add(t);
                inserted++;
            }
            else
            {
                var n = 1 + (rnd.Next(3) == 0 ? 1 : 0);
                for (var k = 0; k < n; k++)
                {
                    var len = r.List.Length;
                    var hot = rnd.Next(3) == 0; // at one shared place: the start, or the end
                    var pos = hot ? (rnd.Next(2) == 0 ? 0 : len) : rnd.Next(len + 1);
                    var roll = rnd.Next(10);
                    if (roll < 4 || len == 0)
                    {
                        var text = RandomText(rnd, rnd.Next(3) == 0 ? 5 + rnd.Next(25) : 1 + rnd.Next(3));
                        var insOps = r.List.Insert(a, ref r.NextSeq, pos, text, t);
                        txnOps.AddRange(insOps);
                        patches.Add(new Patch(pos, 0, text));
                        inserted += insOps.Count;
                        if (insOps.Count > 1) runs.Add(new TypingRun(a, insOps.Select(o => o.Insert!.Id).ToList(), [t]));
                    }
                    else if (roll < 7)
                    {
                        if (pos == len) pos = rnd.Next(len);
                        var count = 1 + rnd.Next(Math.Min(len - pos, rnd.Next(4) == 0 ? 20 : 3));
                        var delOps = r.List.Delete(pos, count);
                        foreach (var o in delOps) deleted.Add(o.Delete!.Value);
                        txnOps.AddRange(delOps);
                        patches.Add(new Patch(pos, count, ""));
                    }
                    else
                    {
                        // start a typing session: this character, then one per transaction after it
                        var ch = RandomText(rnd, 1);
                        var insOps = r.List.Insert(a, ref r.NextSeq, pos, ch, t);
                        txnOps.AddRange(insOps);
                        patches.Add(new Patch(pos, 0, ch));
                        inserted++;
                        if (k == n - 1)
                        {
                            session = new TypingRun(a, [insOps[0].Insert!.Id], [t]);
                            runs.Add(session);
                            sessionPos = pos + 1;
                        }
                    }
                }
            }
            MarkHas(r, t);
            r.Last = t;
            ops.Add(txnOps);
            txns.Add(new TraceTxn(a, parents, patches.ToArray()));
            past.Add(PastOf(parents, past));
        }
        var reference = new ReferenceList(LocalReplay.AgentName);
        foreach (var o in ops) reference.Apply(o);
        var trace = new EditTrace
        {
            Concurrent = true, StartContent = "", EndContent = reference.Text(), NumAgents = agents, Txns = txns.ToArray(),
        };
        return new GeneratedHistory(seed, trace, reference, inserted, deleted.Count, runs, past.ToArray());
    }

    private static HashSet<int> PastOf(int[] parents, List<HashSet<int>> past)
    {
        var s = new HashSet<int>(parents);
        foreach (var p in parents) s.UnionWith(past[p]);
        return s;
    }

    private static void MarkHas(Replica r, int txn)
    {
        if (r.Has.Length <= txn)
        {
            var has = new bool[Math.Max(txn + 1, r.Has.Length * 2)];
            r.Has.CopyTo(has, 0);
            r.Has = has;
        }
        r.Has[txn] = true;
    }

    private static string RandomText(Random rnd, int n)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
            sb.Append(rnd.Next(8) == 0 ? Astral[rnd.Next(Astral.Length)] : ((char)('a' + rnd.Next(26))).ToString());
        return sb.ToString();
    }
}
