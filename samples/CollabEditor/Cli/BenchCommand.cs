using System.CommandLine;
using CollabEditor.Bench;
using CollabEditor.Replay;
using CollabEditor.Traces;

namespace CollabEditor.Cli;

/// <summary><c>bench</c>: ours, the naive baseline, Yjs, Loro and Automerge on the repository's traces in one run.</summary>
public static class BenchCommand
{
    private static readonly string[] DefaultTraces = ["automerge-paper", "sveltecomponent", "friendsforever"];

    /// <summary>Above this many agents a concurrent trace's peers load encoded documents of it from traces/paper/ (A1, A2).</summary>
    private const int ManyAgents = 16;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var runs = new Option<int>("--runs") { Description = "Runs per figure for ours (the first is reported as the cold run).", DefaultValueFactory = _ => 6 };
        var peerRuns = new Option<int>("--peer-runs") { Description = "Runs per figure for Yjs and Loro (Automerge: 1, it is slow).", DefaultValueFactory = _ => 4 };
        var noPeers = new Option<bool>("--no-peers") { Description = "Skip Yjs, Loro and Automerge." };
        var noNaive = new Option<bool>("--no-naive") { Description = "Skip the naive baseline (tens of seconds)." };
        var noCluster = new Option<bool>("--no-cluster") { Description = "Skip the cluster replay of automerge-paper over 3 nodes." };
        var traces = new Option<string[]>("--trace") { Description = "Trace names or files (default: the three in samples/CollabEditor/traces).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write every figure to this JSON file." };
        var only = new Option<string?>("--only") { Description = "Measure one figure only: load (full-state load and encoded size; the replays run once, untimed)." };
        only.AcceptOnlyFromAmong("load");
        var peerList = new Option<string[]>("--peers") { Description = "Which peers to run (default: yjs loro automerge).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("bench", "Measure the CRDT against the naive baseline and Yjs, Loro, Automerge (by node), side by side.")
        {
            runs, peerRuns, noPeers, noNaive, noCluster, traces, json, peerList, only,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var root = RepoRoot();
            if (root is null)
            {
                error.WriteLine("error: run the benchmark inside the repository (samples/CollabEditor/traces not found)");
                return 2;
            }
            var r = Math.Max(2, parse.GetValue(runs));
            var pr = Math.Max(2, parse.GetValue(peerRuns));
            var loadOnly = parse.GetValue(only) == "load";
            var names = parse.GetValue(traces) is { Length: > 0 } t ? t : DefaultTraces;
            var all = new List<LibFigures>();
            var extra = new Dictionary<string, object>();
            PeerBench? peers = null;
            if (!parse.GetValue(noPeers))
            {
                peers = new PeerBench(Path.Combine(root, "samples", "CollabEditor", "peers"), output);
                if (!peers.Prepare())
                {
                    output.WriteLine($"note: {peers.Unavailable}");
                    peers = null;
                }
            }
            foreach (var name in names)
            {
                var path = File.Exists(name) ? Path.GetFullPath(name) : Path.Combine(root, "samples", "CollabEditor", "traces", name + ".json.gz");
                EditTrace trace;
                var label = Path.GetFileName(path).Replace(".json.gz", "").Replace(".json", "");
                output.WriteLine($"{label}: ours ...");
                try
                {
                    trace = EditTrace.Load(path);
                    all.Add(OurBench.Measure(trace, label, r, loadOnly));
                }
                catch (Exception e) when (e is TraceFormatException or InvalidOperationException)
                {
                    // a trace we cannot replay to its endContent is reported and skipped, not a crash
                    error.WriteLine($"error: {label}: {e.Message}");
                    continue;
                }
                Progress(all[^1]);
                if (!parse.GetValue(noNaive) && !loadOnly && !trace.Concurrent)
                {
                    output.WriteLine($"{label}: naive ...");
                    all.Add(OurBench.Naive(trace, label));
                    Progress(all[^1]);
                }
                if (peers is not null)
                    foreach (var lib in parse.GetValue(peerList) is { Length: > 0 } chosen ? chosen.Where(PeerBench.Libs.Contains) : PeerBench.Libs)
                    {
                        output.WriteLine($"{label}: {lib} ...");
                        if (trace.Concurrent && trace.NumAgents > ManyAgents)
                        {
                            // generating a peer's updates needs one replica per agent: did not finish on A1 in 400 s
                            all.Add(PeerBench.PaperDoc(path, lib) is { } doc && !loadOnly
                                ? peers.Measure(lib, path, label, pr, paperDoc: doc)
                                : new LibFigures { Lib = lib, Trace = label, Note = $"skipped: {trace.NumAgents} agents and no encoded document of this trace for it (traces/paper/)" });
                        }
                        else
                        {
                            all.Add(peers.Measure(lib, path, label, lib == "automerge" ? 1 : pr, loadOnly));
                        }
                        Progress(all[^1]);
                    }
            }
            if (!parse.GetValue(noCluster) && !loadOnly)
            {
                var trace = EditTrace.Load(Path.Combine(root, "samples", "CollabEditor", "traces", "automerge-paper.json.gz"));
                var rates = new List<double>();
                for (var k = 0; k < 3; k++)
                {
                    var res = await ClusterReplay.Run(trace, 3, 5, cancel: cancel);
                    if (!res.Converged) throw new InvalidOperationException("cluster replay did not converge: " + res.Error);
                    rates.Add(res.OpsPerSec);
                    output.WriteLine($"cluster replay automerge-paper, 3 nodes, batch 5 ms: {res.Seconds:F2} s, {res.OpsPerSec:N0} ops/s to convergence");
                }
                extra["cluster_automerge_paper_3_nodes_ops_per_sec"] = rates;
            }
            BenchReport.Print(all, output);
            void Progress(LibFigures f)
            {
                // partial results as they come (a long run on a loaded machine can then be read before it ends)
                output.WriteLine($"  {f.Lib}: local {f.LocalReplay} remote {f.RemoteUpdates} merge {f.PerAgentMerge} load {f.Load} size {f.EncodedBytes} memory {f.MemoryBytes} {f.Note}");
                if (parse.GetValue(json) is { } partial) BenchReport.WriteJson(all, extra, partial.FullName);
            }
            if (parse.GetValue(json) is { } j)
            {
                BenchReport.WriteJson(all, extra, j.FullName);
                output.WriteLine($"wrote {j.FullName}");
            }
            return 0;
        });
        return command;
    }

    private static string? RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "samples", "CollabEditor", "traces"))) return dir.FullName;
        return null;
    }
}
