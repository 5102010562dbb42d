using System.Text.Json.Nodes;
using ActorCausal.Protocol;

namespace ActorCausal.Benchmarks.Cluster;

public sealed record ClusterOptions
{
    public int Nodes { get; init; } = 3;
    public const int DefaultMessages = 30_000;
    /// <summary>With several sizes: small enough that 3,5,9,17 with every mode and 3 runs finishes in about half an hour on 2 cores.</summary>
    public const int DefaultMessagesPerSize = 6_000;
    public int Messages { get; init; } = DefaultMessages;
    public int Runs { get; init; } = 3;
    /// <summary>Per node: at most this many of its messages not yet delivered at every node.</summary>
    public int Window { get; init; } = 500;
    public string? Only { get; init; }
    public string? LogDir { get; init; }
    public bool Check { get; init; }
    public bool WarmUp { get; init; } = true;
    /// <summary>HOCON laid over the benchmark's configuration, e.g. <c>actorcausal.protocol.safe-ack-delay = 5ms</c>.</summary>
    public string? Config { get; init; }
    /// <summary>In one process: HOCON laid over the last node's configuration only, e.g. a slow acknowledger (<c>actorcausal.protocol.safe-ack-delay = 500ms</c>).</summary>
    public string? LastNodeConfig { get; init; }
    /// <summary>One node per OS process (the benchmark binary started again as <c>cluster-node</c>) instead of N ActorSystems in this one.</summary>
    public bool Processes { get; init; }
}

public sealed record RunResult(
    double MsgsPerSec, double P50Ms, double P99Ms, double? BytesPerMsg, bool Complete, double ElapsedSec,
    long Refused, long BackPressureRetries, double? MeanBatch, long? HeldBack, double? ProtocolPerMsg = null, double? EnvelopesPerMsg = null,
    string? RepairsPerMsg = null, IReadOnlyDictionary<ProtocolMessageKind, double>? PerKind = null, double? CpuUsPerMsg = null,
    (double BytesPerMsg, int Gen0, int Gen2)? Allocated = null);

public sealed record ModeResult(string Mode, IReadOnlyList<RunResult> Runs, int Nodes = 0)
{
    public double MsgsPerSec => Median(Runs.Select(r => r.MsgsPerSec));
    public double P50Ms => Median(Runs.Select(r => r.P50Ms));
    public double P99Ms => Median(Runs.Select(r => r.P99Ms));
    public double? BytesPerMsg => Runs.Count > 0 && Runs.All(r => r.BytesPerMsg is not null) ? Median(Runs.Select(r => r.BytesPerMsg!.Value)) : null;
    public double? MeanBatch => Runs.Count > 0 && Runs.All(r => r.MeanBatch is not null) ? Median(Runs.Select(r => r.MeanBatch!.Value)) : null;
    public double? ProtocolPerMsg => Runs.Count > 0 && Runs.All(r => r.ProtocolPerMsg is not null) ? Median(Runs.Select(r => r.ProtocolPerMsg!.Value)) : null;
    public double? EnvelopesPerMsg => Runs.Count > 0 && Runs.All(r => r.EnvelopesPerMsg is not null) ? Median(Runs.Select(r => r.EnvelopesPerMsg!.Value)) : null;
    /// <summary>The step that stalled, when the mode was given up (its runs so far are kept).</summary>
    public string? Stalled { get; init; }
    /// <summary>CPU time the nodes used during the run per message broadcast (less sensitive to the machine's load than msgs/s).</summary>
    public double? CpuUsPerMsg => Runs.Count > 0 && Runs.All(r => r.CpuUsPerMsg is not null) ? Median(Runs.Select(r => r.CpuUsPerMsg!.Value)) : null;
    /// <summary>Bytes the process allocated per message broadcast (in one process only; a count, not a time).</summary>
    public double? AllocatedPerMsg => Runs.Count > 0 && Runs.All(r => r.Allocated is not null) ? Median(Runs.Select(r => r.Allocated!.Value.BytesPerMsg)) : null;
    public bool Complete => Stalled is null && Runs.Count > 0 && Runs.All(r => r.Complete);
    /// <summary>Protocol messages per broadcast of each kind, median over the runs (null for raw and pubsub).</summary>
    public IReadOnlyDictionary<ProtocolMessageKind, double>? PerKind =>
        Runs.Count > 0 && Runs.All(r => r.PerKind is not null)
            ? Enum.GetValues<ProtocolMessageKind>().ToDictionary(k => k, k => Median(Runs.Select(r => r.PerKind!.GetValueOrDefault(k))))
            : null;
    public (double Min, double Max) Range(Func<RunResult, double> figure) => Runs.Count == 0 ? (double.NaN, double.NaN) : (Runs.Min(figure), Runs.Max(figure));
    /// <summary>Appended to the mode's name in tables: " STALLED", " INCOMPLETE" or nothing.</summary>
    public string Mark => Stalled is not null ? " STALLED" : Complete ? "" : " INCOMPLETE";

    /// <summary>The measured result of <paramref name="mode"/> among <paramref name="results"/> (none if it stalled before any run).</summary>
    public static ModeResult? Find(IEnumerable<ModeResult> results, string mode) => results.FirstOrDefault(r => r.Mode == mode && r.Runs.Count > 0);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// The cluster benchmark: N ActorSystems on 127.0.0.1 form an Akka cluster, all in this process
/// (<see cref="InProcessCluster"/>) or one per node process (<see cref="ProcessCluster"/>), and the same workload
/// (every node broadcasting 16-byte payloads, each delivered at every node) runs through plain Tell fan-out,
/// DistributedPubSub and the ActorCausal orders. Each mode gets a fresh cluster, reused for its warm-up and runs
/// (a new actor, topic or group per run). A step that stalls gives up its mode; the next mode runs.
/// </summary>
public sealed class ClusterBench(ClusterOptions options, TextWriter output, BenchProgress? progress = null)
{
    private readonly BenchProgress _progress = progress ?? BenchProgress.Lines(output, 0);

    /// <summary>Warm-up and timed runs of one mode, for the progress count.</summary>
    public int StepsOf(string mode, bool firstOfProcess) => (options.WarmUp ? WarmRuns(firstOfProcess) : 0) + options.Runs;

    /// <summary>
    /// Untimed runs on each mode's cluster; the first mode of the process gets more, since the JIT is cold then
    /// (without them the first mode, raw, measured at a third of its warm rate), and so does every mode on node
    /// processes, which are new for each mode.
    /// </summary>
    private int WarmRuns(bool firstOfProcess) => firstOfProcess || options.Processes ? 5 : 2;

    public IReadOnlyList<string> Modes => options.Only is null ? AllModes : options.Only.Split(',');

    public static readonly string[] AllModes = ["raw", "pubsub", "fifo", "causal", "explicit", "total3", "total2", "total-sym", "safe-causal", "safe-total3", "safe-total2", "causal-nobatch"];

    public static Transport TransportOf(string mode) => mode switch
    {
        "raw" => Transport.Raw,
        "pubsub" => Transport.PubSub,
        _ => Transport.Causal,
    };

    public static DeliveryOrder OrderOf(string mode) => mode switch
    {
        "fifo" => DeliveryOrder.Fifo,
        "explicit" => DeliveryOrder.Explicit,
        "total3" or "total2" or "total-sym" => DeliveryOrder.Total,
        "safe-causal" => DeliveryOrder.SafeCausal,
        "safe-total3" or "safe-total2" => DeliveryOrder.SafeTotal,
        _ => DeliveryOrder.Causal,
    };

    public JsonObject? CheckReport { get; private set; }

    /// <param name="firstOfProcess">The process's first measurements: the first mode gets the cold-JIT warm-up.</param>
    public async Task<List<ModeResult>> RunAsync(bool firstOfProcess = true)
    {
        var modes = Modes;
        var results = new List<ModeResult>();
        foreach (var mode in modes)
        {
            _progress.Line($"== {mode}: starting {options.Nodes} {Hosting}");
            var runs = new List<RunResult>();
            IBenchCluster? cluster = null;
            try
            {
                cluster = await StartClusterAsync(batching: mode != "causal-nobatch");
                if (options.WarmUp)
                {
                    var warmRuns = WarmRuns(firstOfProcess && mode == modes[0]);
                    for (var w = 1; w <= warmRuns; w++)
                    {
                        var warm = await cluster.RunOnceAsync(mode, $"warm{w}-{mode}", Math.Max(options.Nodes * 100, Math.Min(options.Messages, 30_000)), record: false, check: false);
                        _progress.Step($"{options.Nodes} {Hosting}, {mode}, warm-up {w}: {warm.MsgsPerSec:N0} msgs/s");
                    }
                }
                for (var rep = 1; rep <= options.Runs; rep++)
                {
                    var record = TransportOf(mode) == Transport.Causal && (options.LogDir is not null || (options.Check && mode == "causal"));
                    var r = await cluster.RunOnceAsync(mode, $"{mode}-{rep}", options.Messages, record, check: options.Check && mode == "causal");
                    _progress.Step($"{options.Nodes} {Hosting}, {mode}, run {rep}: {RunText(r)}");
                    runs.Add(r);
                }
                if (cluster is InProcessCluster { CheckReport: { } report }) CheckReport = report;
                results.Add(new ModeResult(mode, runs, options.Nodes));
            }
            catch (BenchStallException e)
            {
                _progress.Line($"== {mode}: STALLED ({e.Message}); going on to the next mode");
                results.Add(new ModeResult(mode, runs, options.Nodes) { Stalled = e.Message });
            }
            finally
            {
                if (cluster is not null) await cluster.DisposeAsync();
            }
        }
        return results;
    }

    /// <summary>"nodes" (ActorSystems in this process) or "node processes".</summary>
    private string Hosting => options.Processes ? "node processes" : "nodes";

    private async Task<IBenchCluster> StartClusterAsync(bool batching) => options.Processes
        ? await ProcessCluster.StartAsync(options, batching, _progress)
        : await InProcessCluster.StartAsync(options, batching, _progress);

    private static string RunText(RunResult r) =>
        $"{r.MsgsPerSec:N0} msgs/s, p50 {r.P50Ms:F1} ms, p99 {r.P99Ms:F1} ms, " +
        $"{(r.BytesPerMsg is { } b ? $"{b:F0} B/msg" : "bytes n/a")}{(r.CpuUsPerMsg is { } cpu ? $", CPU {cpu:F0} us/msg" : "")}{(r.Allocated is { } al ? $", allocated {al.BytesPerMsg / 1024:F1} KB/msg, GCs gen0 {al.Gen0} gen2 {al.Gen2}" : "")}" +
        $"{(r.MeanBatch is { } mb ? $", batch {mb:F1}, protocol msgs/msg {r.ProtocolPerMsg:F2}, envelopes/msg {r.EnvelopesPerMsg:F3}" : "")}{(r.HeldBack is { } hb ? $", held back {hb}" : "")}{(r.RepairsPerMsg is { } rp ? $", per msg: {rp}" : "")}{(r.PerKind is { } pk ? $"; sent per msg: {KindsText(pk)}" : "")}" +
        $"{(r.BackPressureRetries > 0 ? $", back-pressure retries {r.BackPressureRetries}" : "")}{(r.Refused > 0 ? $", refused {r.Refused}" : "")}{(r.Complete ? "" : " INCOMPLETE")}";

    /// <summary>The kinds sent, e.g. "Data 8.00, Proposal 8.00, Final 8.00".</summary>
    public static string KindsText(IReadOnlyDictionary<ProtocolMessageKind, double> perKind) =>
        string.Join(", ", perKind.Where(k => k.Value > 0.0005).Select(k => $"{k.Key} {k.Value:F2}"));

    public void Print(IReadOnlyList<ModeResult> results)
    {
        var raw = ModeResult.Find(results, "raw");
        var pubsub = ModeResult.Find(results, "pubsub");
        output.WriteLine();
        output.WriteLine($"{options.Nodes} nodes, {options.Messages:N0} messages per run, window {options.Window} per node, median of {options.Runs} run(s){(options.Config is { } c ? $", config: {c}" : "")}");
        output.WriteLine($"{"mode",-15} {"msgs/s",10} {"vs raw",7} {"vs pubsub",9} {"p50 ms",8} {"p50/raw",8} {"p99 ms",8} {"B/msg",7} {"batch",6} {"proto/msg",9}");
        foreach (var r in results)
        {
            if (r.Runs.Count == 0)
            {
                output.WriteLine($"{r.Mode,-15} STALLED: {r.Stalled}");
                continue;
            }
            var vsRaw = raw is null ? "" : $"{r.MsgsPerSec / raw.MsgsPerSec:F2}";
            var vsPubsub = pubsub is null ? "" : $"{r.MsgsPerSec / pubsub.MsgsPerSec:F2}";
            var p50Raw = raw is null ? "" : $"{r.P50Ms / raw.P50Ms:F2}";
            output.WriteLine($"{r.Mode,-15} {r.MsgsPerSec,10:N0} {vsRaw,7} {vsPubsub,9} {r.P50Ms,8:F1} {p50Raw,8} {r.P99Ms,8:F1} {(r.BytesPerMsg is { } b ? $"{b:F0}" : "n/a"),7} {(r.MeanBatch is { } mb ? $"{mb:F1}" : ""),6} {(r.ProtocolPerMsg is { } pp ? $"{pp:F2}" : ""),9}{r.Mark}");
        }
        if (raw is not null && pubsub is not null)
        {
            var causal = ModeResult.Find(results, "causal");
            var total2 = ModeResult.Find(results, "total2");
            output.WriteLine();
            if (causal is not null)
            {
                output.WriteLine($"target causal >= 0.8x raw throughput: {causal.MsgsPerSec / raw.MsgsPerSec:F2} {(causal.MsgsPerSec >= 0.8 * raw.MsgsPerSec ? "met" : "MISSED")}");
                output.WriteLine($"target causal >= 1.0x pubsub throughput: {causal.MsgsPerSec / pubsub.MsgsPerSec:F2} {(causal.MsgsPerSec >= pubsub.MsgsPerSec ? "met" : "MISSED")}");
                output.WriteLine($"target causal p50 <= 1.3x raw: {causal.P50Ms / raw.P50Ms:F2} {(causal.P50Ms <= 1.3 * raw.P50Ms ? "met" : "MISSED")}");
            }
            if (total2 is not null)
                output.WriteLine($"target total2 >= 0.5x raw throughput: {total2.MsgsPerSec / raw.MsgsPerSec:F2} {(total2.MsgsPerSec >= 0.5 * raw.MsgsPerSec ? "met" : "MISSED")}");
        }
        foreach (var (safe, plain) in new[] { ("safe-causal", "causal"), ("safe-total3", "total3"), ("safe-total2", "total2") })
        {
            var s = ModeResult.Find(results, safe);
            var p = ModeResult.Find(results, plain);
            if (s is not null && p is not null)
                output.WriteLine($"{safe} / {plain}: throughput {s.MsgsPerSec / p.MsgsPerSec:F2}, p50 {s.P50Ms / p.P50Ms:F2}, p99 {s.P99Ms / p.P99Ms:F2}");
        }
    }

    /// <param name="check">The checker's report of a <c>--check</c> run, if any.</param>
    public JsonObject ToJson(IReadOnlyList<ModeResult> results, JsonObject? check = null)
    {
        var raw = ModeResult.Find(results, "raw");
        var pubsub = ModeResult.Find(results, "pubsub");
        var modes = new JsonObject();
        foreach (var r in results)
        {
            if (r.Runs.Count == 0)
            {
                modes[r.Mode] = new JsonObject { ["stalled"] = r.Stalled, ["complete"] = false };
                continue;
            }
            var o = new JsonObject
            {
                ["msgs_per_sec"] = Math.Round(r.MsgsPerSec),
                ["p50_ms"] = Math.Round(r.P50Ms, 3),
                ["p99_ms"] = Math.Round(r.P99Ms, 3),
                ["complete"] = r.Complete,
            };
            if (r.Stalled is { } stalled) o["stalled"] = stalled;
            if (r.BytesPerMsg is { } b) o["bytes_per_msg"] = Math.Round(b, 1);
            if (r.CpuUsPerMsg is { } cpu) o["cpu_us_per_msg"] = Math.Round(cpu, 1);
            if (r.AllocatedPerMsg is { } alloc) o["allocated_bytes_per_msg"] = Math.Round(alloc);
            if (r.MeanBatch is { } mb) o["mean_batch"] = Math.Round(mb, 2);
            if (r.ProtocolPerMsg is { } pp) o["protocol_msgs_per_msg"] = Math.Round(pp, 3);
            if (r.EnvelopesPerMsg is { } ep) o["envelopes_per_msg"] = Math.Round(ep, 4);
            if (r.PerKind is { } pk) o["protocol_msgs_per_msg_by_kind"] = new JsonObject(pk.Select(k => KeyValuePair.Create(k.Key.ToString(), (JsonNode?)Math.Round(k.Value, 3))));
            if (AlgorithmCost.PerBroadcast(r.Mode, options.Nodes) is { } needed) o["protocol_msgs_needed"] = needed;
            if (raw is not null) { o["vs_raw"] = Math.Round(r.MsgsPerSec / raw.MsgsPerSec, 3); o["p50_vs_raw"] = Math.Round(r.P50Ms / raw.P50Ms, 3); }
            if (pubsub is not null) o["vs_pubsub"] = Math.Round(r.MsgsPerSec / pubsub.MsgsPerSec, 3);
            o["runs"] = new JsonArray(r.Runs.Select(x => (JsonNode)new JsonObject
            {
                ["msgs_per_sec"] = Math.Round(x.MsgsPerSec),
                ["p50_ms"] = Math.Round(x.P50Ms, 3),
                ["p99_ms"] = Math.Round(x.P99Ms, 3),
                ["bytes_per_msg"] = x.BytesPerMsg is { } xb ? Math.Round(xb, 1) : null,
                ["cpu_us_per_msg"] = x.CpuUsPerMsg is { } xc ? Math.Round(xc, 1) : null,
                ["elapsed_sec"] = Math.Round(x.ElapsedSec, 3),
                ["complete"] = x.Complete,
                ["back_pressure_retries"] = x.BackPressureRetries,
                ["refused"] = x.Refused,
                ["mean_batch"] = x.MeanBatch is { } xm ? Math.Round(xm, 2) : null,
                ["held_back"] = x.HeldBack,
            }).ToArray());
            modes[r.Mode] = o;
        }
        var root = new JsonObject
        {
            ["nodes"] = options.Nodes,
            ["hosting"] = options.Processes ? "one node per process" : "every node in one process",
            ["messages"] = options.Messages,
            ["runs"] = options.Runs,
            ["window_per_node"] = options.Window,
            ["config"] = options.Config,
            ["payload_bytes"] = 16,
            ["processor_count"] = Environment.ProcessorCount,
            ["runtime"] = Environment.Version.ToString(),
            ["bytes_per_msg_source"] = "tcpi_bytes_sent (ss -tin) summed over the connections between the nodes, divided by the messages broadcast; TCP payload incl. Akka.Remote framing and cluster gossip/heartbeats, no TCP/IP headers",
            ["modes"] = modes,
        };
        if (check is not null) root["check"] = check.DeepClone();
        return root;
    }
}
