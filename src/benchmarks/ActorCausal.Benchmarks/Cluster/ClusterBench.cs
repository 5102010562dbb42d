using ActorCausal.Benchmarks.Shared;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using AkkaCluster = Akka.Cluster.Cluster;

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
}

public sealed record RunResult(
    double MsgsPerSec, double P50Ms, double P99Ms, double? BytesPerMsg, bool Complete, double ElapsedSec,
    long Refused, long BackPressureRetries, double? MeanBatch, long? HeldBack, double? ProtocolPerMsg = null, double? EnvelopesPerMsg = null,
    string? RepairsPerMsg = null, IReadOnlyDictionary<ProtocolMessageKind, double>? PerKind = null);

public sealed record ModeResult(string Mode, IReadOnlyList<RunResult> Runs, int Nodes = 0)
{
    public double MsgsPerSec => Median(Runs.Select(r => r.MsgsPerSec));
    public double P50Ms => Median(Runs.Select(r => r.P50Ms));
    public double P99Ms => Median(Runs.Select(r => r.P99Ms));
    public double? BytesPerMsg => Runs.All(r => r.BytesPerMsg is not null) ? Median(Runs.Select(r => r.BytesPerMsg!.Value)) : null;
    public double? MeanBatch => Runs.All(r => r.MeanBatch is not null) ? Median(Runs.Select(r => r.MeanBatch!.Value)) : null;
    public double? ProtocolPerMsg => Runs.All(r => r.ProtocolPerMsg is not null) ? Median(Runs.Select(r => r.ProtocolPerMsg!.Value)) : null;
    public double? EnvelopesPerMsg => Runs.All(r => r.EnvelopesPerMsg is not null) ? Median(Runs.Select(r => r.EnvelopesPerMsg!.Value)) : null;
    public bool Complete => Runs.All(r => r.Complete);
    /// <summary>Protocol messages per broadcast of each kind, median over the runs (null for raw and pubsub).</summary>
    public IReadOnlyDictionary<ProtocolMessageKind, double>? PerKind =>
        Runs.All(r => r.PerKind is not null)
            ? Enum.GetValues<ProtocolMessageKind>().ToDictionary(k => k, k => Median(Runs.Select(r => r.PerKind!.GetValueOrDefault(k))))
            : null;
    public (double Min, double Max) Range(Func<RunResult, double> figure) => (Runs.Min(figure), Runs.Max(figure));

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// The cluster benchmark: N ActorSystems on 127.0.0.1 in one process form an Akka cluster, and the same workload
/// (every node broadcasting 16-byte payloads, each delivered at every node) runs through plain Tell fan-out,
/// DistributedPubSub and the ActorCausal orders. Each mode gets a fresh cluster, reused for its warm-up and runs
/// (a new actor, topic or group per run).
/// </summary>
public sealed class ClusterBench(ClusterOptions options, TextWriter output, BenchProgress? progress = null)
{
    private readonly BenchProgress _progress = progress ?? BenchProgress.Lines(output, 0);

    /// <summary>Warm-up and timed runs of one mode, for the progress count.</summary>
    public int StepsOf(string mode, bool firstOfProcess) => (options.WarmUp ? WarmRuns(firstOfProcess) : 0) + options.Runs;

    /// <summary>
    /// Untimed runs on each mode's cluster; the first mode of the process gets more, since the JIT is cold then
    /// (without them the first mode, raw, measured at a third of its warm rate).
    /// </summary>
    private static int WarmRuns(bool firstOfProcess) => firstOfProcess ? 5 : 2;

    public IReadOnlyList<string> Modes => options.Only is null ? AllModes : options.Only.Split(',');

    public static readonly string[] AllModes = ["raw", "pubsub", "fifo", "causal", "explicit", "total3", "total2", "safe-causal", "safe-total3", "safe-total2", "causal-nobatch"];

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
        "total3" or "total2" => DeliveryOrder.Total,
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
            _progress.Line($"== {mode}: starting {options.Nodes} nodes");
            var systems = await StartClusterAsync(options.Nodes, batching: mode != "causal-nobatch", options.Config);
            try
            {
                if (options.WarmUp)
                {
                    var warmRuns = WarmRuns(firstOfProcess && mode == modes[0]);
                    for (var w = 1; w <= warmRuns; w++)
                    {
                        var warm = await RunOnceAsync(systems, mode, $"warm{w}-{mode}", Math.Max(options.Nodes * 100, Math.Min(options.Messages, 30_000)), record: false, check: false);
                        _progress.Step($"{options.Nodes} nodes, {mode}, warm-up {w}: {warm.MsgsPerSec:N0} msgs/s");
                    }
                }
                var runs = new List<RunResult>();
                for (var rep = 1; rep <= options.Runs; rep++)
                {
                    var record = TransportOf(mode) == Transport.Causal && (options.LogDir is not null || (options.Check && mode == "causal"));
                    var r = await RunOnceAsync(systems, mode, $"{mode}-{rep}", options.Messages, record, check: options.Check && mode == "causal");
                    _progress.Step($"{options.Nodes} nodes, {mode}, run {rep}: {r.MsgsPerSec:N0} msgs/s, p50 {r.P50Ms:F1} ms, p99 {r.P99Ms:F1} ms, " +
                                     $"{(r.BytesPerMsg is { } b ? $"{b:F0} B/msg" : "bytes n/a")}" +
                                     $"{(r.MeanBatch is { } mb ? $", batch {mb:F1}, protocol msgs/msg {r.ProtocolPerMsg:F2}, envelopes/msg {r.EnvelopesPerMsg:F3}" : "")}{(r.HeldBack is { } hb ? $", held back {hb}" : "")}{(r.RepairsPerMsg is { } rp ? $", per msg: {rp}" : "")}{(r.PerKind is { } pk ? $"; sent per msg: {KindsText(pk)}" : "")}" +
                                     $"{(r.BackPressureRetries > 0 ? $", back-pressure retries {r.BackPressureRetries}" : "")}{(r.Complete ? "" : " INCOMPLETE")}");
                    runs.Add(r);
                }
                results.Add(new ModeResult(mode, runs, options.Nodes));
            }
            finally
            {
                await Task.WhenAll(systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default)));
            }
        }
        return results;
    }

    private static async Task<List<ActorSystem>> StartClusterAsync(int count, bool batching, string? extraConfig)
    {
        var config = ConfigurationFactory.ParseString(extraConfig ?? "")
            .WithFallback(ConfigurationFactory.ParseString($"actorcausal.batching.enabled = {(batching ? "on" : "off")}"))
            .WithFallback(BenchHocon.InProcessCluster());
        var systems = new List<ActorSystem>();
        for (var i = 0; i < count; i++)
        {
            var system = ActorSystem.Create("bench", config);
            CausalGroups.Get(system);
            DistributedPubSub.Get(system);
            var seed = i == 0 ? AkkaCluster.Get(system).SelfAddress : AkkaCluster.Get(systems[0]).SelfAddress;
            systems.Add(system);
            AkkaCluster.Get(system).Join(seed);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!systems.All(s => AkkaCluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == count
                                 && AkkaCluster.Get(s).State.Unreachable.Count == 0))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The benchmark cluster did not form within 60 s.");
            await Task.Delay(50);
        }
        return systems;
    }

    private static MemberId MemberIdOf(ActorSystem system)
    {
        var cluster = AkkaCluster.Get(system);
        return new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
    }

    private async Task<RunResult> RunOnceAsync(List<ActorSystem> systems, string mode, string tag, int messages, bool record, bool check)
    {
        var n = systems.Count;
        var transport = TransportOf(mode);
        var order = OrderOf(mode);
        var ask = TimeSpan.FromSeconds(30);
        long heapBefore = 0;
        if (check) heapBefore = GC.GetTotalMemory(true);

        var state = new RunState(n, messages / n, options.Window, record, log: record && options.LogDir is not null);
        var mediators = systems.Select(s => DistributedPubSub.Get(s).Mediator).ToArray();
        var actors = systems.Select((s, i) => s.ActorOf(BenchNode.Props(i, state, transport, order, MemberIdOf(s), tag, mediators[i]), "bench-" + tag)).ToArray();
        var groups = new CausalGroup?[n];

        switch (transport)
        {
            case Transport.Raw:
                for (var i = 0; i < n; i++)
                {
                    var refs = ImmutableArray.CreateBuilder<IActorRef>();
                    for (var j = 0; j < n; j++)
                    {
                        refs.Add(i == j
                            ? actors[i]
                            : await systems[i].ActorSelection(new RootActorPath(AkkaCluster.Get(systems[j]).SelfAddress) / "user" / ("bench-" + tag)).ResolveOne(ask));
                    }
                    await actors[i].Ask<BenchNode.Done>(new BenchNode.Peers(refs.ToImmutable()), ask);
                }
                break;
            case Transport.PubSub:
                for (var i = 0; i < n; i++) mediators[i].Tell(new Subscribe(tag, actors[i]), actors[i]);
                // Subscriptions spread by gossip: publish probes from every node until every node has seen every node's.
                await WaitUntil(() =>
                {
                    for (var i = 0; i < n; i++) mediators[i].Tell(new Publish(tag, $"probe:{i}"));
                    return Task.FromResult(state.Probes.All(row => row.All(seen => seen)));
                }, "pubsub subscriptions");
                break;
            default:
                var totalOrder = mode is "total2" or "safe-total2" ? TotalOrderMode.TwoStep : TotalOrderMode.ThreeStep;
                for (var i = 0; i < n; i++)
                {
                    // From the configured settings: a new GroupMemberSettings would replace actorcausal.protocol whole.
                    var causalGroups = CausalGroups.Get(systems[i]);
                    groups[i] = causalGroups.Join(tag, actors[i], causalGroups.Settings.Protocol with { TotalOrder = totalOrder });
                    await actors[i].Ask<BenchNode.Done>(new BenchNode.Attach(await groups[i]!.Ref), ask);
                }
                await WaitUntil(async () =>
                {
                    var statuses = await Task.WhenAll(groups.Select(g => g!.Status()));
                    return statuses.All(s => s.State == GroupActorState.Member && s.View.Size == n && s.View.Id == statuses[0].View.Id);
                }, "the group view");
                break;
        }

        var ports = systems.Select(s => AkkaCluster.Get(s).SelfAddress.Port ?? 0).ToArray();
        var bytesBefore = WireBytes.Snapshot(ports);
        var statusBefore = transport == Transport.Causal ? await Task.WhenAll(groups.Select(g => g!.Status())) : null;

        foreach (var a in actors) a.Tell(new BenchNode.Start());
        var timeout = TimeSpan.FromSeconds(60 + messages / 2_000.0);
        var complete = true;
        try
        {
            await state.Done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            complete = false;
            _progress.Line($"   {tag}: only {Interlocked.Read(ref state.Delivered):N0} of {state.ExpectedDeliveries:N0} deliveries within {timeout.TotalSeconds:F0} s");
        }

        var bytesAfter = WireBytes.Snapshot(ports);
        var elapsed = (Volatile.Read(ref state.LastDelivery) - state.FirstSend) / (double)Stopwatch.Frequency;
        var delivered = Interlocked.Read(ref state.Delivered);
        var latencies = state.AllLatencies();
        Array.Sort(latencies);
        double Pct(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        var p50 = Pct(0.50);
        var p99 = Pct(0.99);
        var sentTotal = (double)state.PerNode * n;
        double? bytesPerMsg = bytesBefore is { } b0 && bytesAfter is { } b1 ? (b1 - b0) / sentTotal : null;

        double? meanBatch = null;
        long? heldBack = null;
        double? protocolPerMsg = null;
        double? envelopesPerMsg = null;
        string? repairsPerMsg = null;
        Dictionary<ProtocolMessageKind, double>? perKind = null;
        if (transport == Transport.Causal)
        {
            var statusAfter = await Task.WhenAll(groups.Select(g => g!.Status()));
            var envelopes = statusAfter.Sum(s => s.EnvelopesSent) - statusBefore!.Sum(s => s.EnvelopesSent);
            var protocolMessages = statusAfter.Sum(s => s.ProtocolMessagesSent) - statusBefore!.Sum(s => s.ProtocolMessagesSent);
            meanBatch = envelopes == 0 ? null : protocolMessages / (double)envelopes;
            protocolPerMsg = protocolMessages / sentTotal;
            envelopesPerMsg = envelopes / sentTotal;
            heldBack = statusAfter.Sum(s => s.HeldBack) - statusBefore!.Sum(s => s.HeldBack);
            double PerMsg(Func<MemberStatus, long> counter) => (statusAfter.Sum(s => counter(s.Protocol)) - statusBefore!.Sum(s => counter(s.Protocol))) / sentTotal;
            perKind = Enum.GetValues<ProtocolMessageKind>().ToDictionary(k => k,
                k => (statusAfter.Sum(s => s.ProtocolMessagesSentOf(k)) - statusBefore!.Sum(s => s.ProtocolMessagesSentOf(k))) / sentTotal);
            repairsPerMsg = $"retransmitted {PerMsg(s => s.Retransmitted):F2}, NAKs {PerMsg(s => s.NaksSent):F2}, duplicates received {PerMsg(s => s.Duplicates):F2}, safe acks {PerMsg(s => s.SafeAcksSent):F2}";
        }

        if (record)
        {
            var records = new List<BenchNode.Record>();
            foreach (var a in actors) records.Add(await a.Ask<BenchNode.Record>(new BenchNode.GetRecord(), ask));
            if (options.LogDir is { } dir)
            {
                Directory.CreateDirectory(dir);
                for (var i = 0; i < n; i++)
                {
                    var file = Path.Combine(dir, $"{tag}-member{i}.jsonl");
                    await File.WriteAllLinesAsync(file, records[i].Lines);
                }
                _progress.Line($"   wrote {n} member logs to {dir} ({tag}-member*.jsonl)");
            }
            if (check)
            {
                var eventCount = records.Sum(r => r.History.Events.Count);
                var sw = Stopwatch.StartNew();
                var violations = InvariantChecker.Check(records.Select(r => r.History).ToList());
                _progress.Line($"   checker: {violations.Count} violations ({records.Sum(r => r.History.Events.Count):N0} events, {sw.Elapsed.TotalSeconds:F1} s)");
                foreach (var v in violations.Take(20)) _progress.Line($"     {v}");
                records.Clear();
                foreach (var a in actors) await a.Ask<BenchNode.Done>(new BenchNode.ClearRecord(), ask);
                state.DropSamples();
                latencies = [];
                // Let stability gossip run (stability-interval 50 ms) so that delivered-everywhere messages can be freed.
                await Task.Delay(TimeSpan.FromSeconds(2));
                var heapAfter = GC.GetTotalMemory(true);
                _progress.Line($"   managed heap after a full GC: before the run {heapBefore / 1e6:F1} MB, after {heapAfter / 1e6:F1} MB ({heapAfter / (double)heapBefore:F2}x)");
                CheckReport = new JsonObject
                {
                    ["mode"] = mode,
                    ["messages"] = messages,
                    ["events"] = eventCount,
                    ["violations"] = violations.Count,
                    ["violation_samples"] = new JsonArray(violations.Take(20).Select(v => (JsonNode)JsonValue.Create(v.ToString())!).ToArray()),
                    ["heap_before_bytes"] = heapBefore,
                    ["heap_after_bytes"] = heapAfter,
                    ["heap_ratio"] = heapAfter / (double)heapBefore,
                };
            }
        }

        foreach (var a in actors) a.Tell(PoisonPill.Instance);
        // Subscriber terminated: the group member leaves. Give it a moment so the next run starts on a quiet cluster.
        await Task.Delay(TimeSpan.FromMilliseconds(transport == Transport.Causal ? 1_500 : 300));

        return new RunResult(delivered / (double)n / elapsed, p50, p99, bytesPerMsg, complete, elapsed,
            Interlocked.Read(ref state.Refused), Interlocked.Read(ref state.BackPressureRetries), meanBatch, heldBack, protocolPerMsg, envelopesPerMsg, repairsPerMsg, perKind);
    }

    /// <summary>The kinds sent, e.g. "Data 8.00, Proposal 8.00, Final 8.00".</summary>
    public static string KindsText(IReadOnlyDictionary<ProtocolMessageKind, double> perKind) =>
        string.Join(", ", perKind.Where(k => k.Value > 0.0005).Select(k => $"{k.Key} {k.Value:F2}"));

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    public void Print(IReadOnlyList<ModeResult> results)
    {
        var raw = results.FirstOrDefault(r => r.Mode == "raw");
        var pubsub = results.FirstOrDefault(r => r.Mode == "pubsub");
        output.WriteLine();
        output.WriteLine($"{options.Nodes} nodes, {options.Messages:N0} messages per run, window {options.Window} per node, median of {options.Runs} run(s){(options.Config is { } c ? $", config: {c}" : "")}");
        output.WriteLine($"{"mode",-15} {"msgs/s",10} {"vs raw",7} {"vs pubsub",9} {"p50 ms",8} {"p50/raw",8} {"p99 ms",8} {"B/msg",7} {"batch",6} {"proto/msg",9}");
        foreach (var r in results)
        {
            var vsRaw = raw is null ? "" : $"{r.MsgsPerSec / raw.MsgsPerSec:F2}";
            var vsPubsub = pubsub is null ? "" : $"{r.MsgsPerSec / pubsub.MsgsPerSec:F2}";
            var p50Raw = raw is null ? "" : $"{r.P50Ms / raw.P50Ms:F2}";
            output.WriteLine($"{r.Mode,-15} {r.MsgsPerSec,10:N0} {vsRaw,7} {vsPubsub,9} {r.P50Ms,8:F1} {p50Raw,8} {r.P99Ms,8:F1} {(r.BytesPerMsg is { } b ? $"{b:F0}" : "n/a"),7} {(r.MeanBatch is { } mb ? $"{mb:F1}" : ""),6} {(r.ProtocolPerMsg is { } pp ? $"{pp:F2}" : ""),9}{(r.Complete ? "" : " INCOMPLETE")}");
        }
        if (raw is not null && pubsub is not null)
        {
            var causal = results.FirstOrDefault(r => r.Mode == "causal");
            var total2 = results.FirstOrDefault(r => r.Mode == "total2");
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
            var s = results.FirstOrDefault(r => r.Mode == safe);
            var p = results.FirstOrDefault(r => r.Mode == plain);
            if (s is not null && p is not null)
                output.WriteLine($"{safe} / {plain}: throughput {s.MsgsPerSec / p.MsgsPerSec:F2}, p50 {s.P50Ms / p.P50Ms:F2}, p99 {s.P99Ms / p.P99Ms:F2}");
        }
    }

    public void WriteJson(IReadOnlyList<ModeResult> results, string file) =>
        File.WriteAllText(file, ToJson(results).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public JsonObject ToJson(IReadOnlyList<ModeResult> results)
    {
        var raw = results.FirstOrDefault(r => r.Mode == "raw");
        var pubsub = results.FirstOrDefault(r => r.Mode == "pubsub");
        var modes = new JsonObject();
        foreach (var r in results)
        {
            var o = new JsonObject
            {
                ["msgs_per_sec"] = Math.Round(r.MsgsPerSec),
                ["p50_ms"] = Math.Round(r.P50Ms, 3),
                ["p99_ms"] = Math.Round(r.P99Ms, 3),
                ["complete"] = r.Complete,
            };
            if (r.BytesPerMsg is { } b) o["bytes_per_msg"] = Math.Round(b, 1);
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
        if (CheckReport is not null) root["check"] = CheckReport;
        return root;
    }
}
