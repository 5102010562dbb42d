using System.Diagnostics;
using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Traces;

namespace CollabEditor.Bench;

/// <summary>Our CRDT and the naive baseline on one trace, every figure checked against endContent.</summary>
public static class OurBench
{
    public static LibFigures Measure(EditTrace trace, string name, int runs, bool loadOnly = false)
    {
        var f = new LibFigures { Lib = "ours", Trace = name };
        TextDocument doc;
        Func<TextDocument> replica = () => LocalReplay.Sequential(trace); // the replica whose memory is measured
        if (loadOnly)
        {
            doc = trace.Concurrent ? LocalReplay.PerAgent(trace, new Causality(trace), eager: false)[0] : LocalReplay.Sequential(trace);
        }
        else if (!trace.Concurrent)
        {
            f.LocalReplay = Time(runs, () => LocalReplay.Sequential(trace), trace, "local replay");
            var updates = new List<byte[]>();
            doc = LocalReplay.Sequential(trace, updates);
            f.RemoteUpdates = Time(runs, () => ApplyAll(updates), trace, "remote updates");
        }
        else
        {
            var causality = new Causality(trace);
            var updates = new List<byte[]>();
            doc = LocalReplay.PerAgent(trace, causality, eager: false, updates)[0];
            // the eg-walker paper's merge: one replica integrates every agent's transactions, in causal (trace) order
            f.RemoteUpdates = Time(runs, () => ApplyAll(updates), trace, "remote updates");
            replica = () => ApplyAll(updates);
            if (trace.NumAgents <= PerAgentLimit)
            {
                f.PerAgentMerge = Time(runs, () => LocalReplay.PerAgent(trace, causality, eager: false)[0], trace, "per-agent merge");
                f.PastVersionMerge = Time(runs, () => LocalReplay.PerAgent(trace, causality, eager: true)[0], trace, "past-version merge");
            }
            else
            {
                f.Note = $"{trace.NumAgents} agents: per-agent merges (one full replica per agent) not timed";
            }
        }
        var state = doc.EncodeState();
        f.EncodedBytes = state.Length;
        f.Load = Time(runs, () => TextDocument.LoadState(state), trace, "load");
        if (!loadOnly) f.MemoryBytes = Memory(replica);
        return f;
    }

    /// <summary>Traces with more agents than this get no per-agent merge figures: one full replica per agent costs
    /// gigabytes on A1 and A2 and measures the harness more than the merge.</summary>
    private const int PerAgentLimit = 16;

    private static TextDocument ApplyAll(List<byte[]> updates)
    {
        var remote = new TextDocument();
        foreach (var u in updates) remote.ApplyUpdate(u);
        return remote;
    }

    public static LibFigures Naive(EditTrace trace, string name)
    {
        var f = new LibFigures { Lib = "naive", Trace = name };
        if (trace.Concurrent)
        {
            f.Note = "sequential traces only";
            return f;
        }
        var naive = new NaiveDocument();
        var sw = Stopwatch.StartNew();
        foreach (var t in trace.Txns) naive.Edit(0, t.Patches);
        f.LocalReplay = new Timing([sw.Elapsed.TotalMilliseconds]);
        if (naive.GetText() != trace.EndContent) throw new InvalidOperationException("naive replay differs from endContent");
        return f;
    }

    private static long Memory(Func<TextDocument> replica)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var doc = replica();
        var after = GC.GetTotalMemory(true);
        GC.KeepAlive(doc);
        return after - before;
    }

    private static void Check(TextDocument doc, EditTrace trace, string what)
    {
        if (doc.GetText() != trace.EndContent) throw new InvalidOperationException($"{what}: text differs from endContent");
    }

    /// <summary>Times <paramref name="run"/> (checking each result against endContent, untimed).</summary>
    private static Timing Time(int runs, Func<TextDocument> run, EditTrace trace, string what)
    {
        var ms = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var sw = Stopwatch.StartNew();
            var doc = run();
            ms[i] = sw.Elapsed.TotalMilliseconds;
            Check(doc, trace, what);
        }
        return new Timing(ms);
    }
}
