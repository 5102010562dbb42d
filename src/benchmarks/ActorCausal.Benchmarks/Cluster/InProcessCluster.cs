using System.Diagnostics;
using System.Text.Json.Nodes;
using ActorCausal.Benchmarks.Shared;
using ActorCausal.Simulation.Checking;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>N ActorSystems on 127.0.0.1 in this process forming one Akka cluster; the runs share one <see cref="RunState"/>.</summary>
public sealed class InProcessCluster : IBenchCluster
{
    private readonly List<ActorSystem> _systems;
    private readonly ClusterOptions _options;
    private readonly BenchProgress _progress;

    private InProcessCluster(List<ActorSystem> systems, ClusterOptions options, BenchProgress progress)
    {
        _systems = systems;
        _options = options;
        _progress = progress;
    }

    /// <summary>With <c>--check</c>: the invariant checker's and the heap's report of the last checked run.</summary>
    public JsonObject? CheckReport { get; private set; }

    /// <summary>The configuration every benchmark node uses, in this process or in a node process.</summary>
    public static Config NodeConfig(bool batching, string? extraConfig) =>
        ConfigurationFactory.ParseString(extraConfig ?? "")
            .WithFallback(ConfigurationFactory.ParseString($"actorcausal.batching.enabled = {(batching ? "on" : "off")}\n{BenchSteps.AskTimeoutConfig}"))
            .WithFallback(BenchHocon.InProcessCluster());

    public static async Task<InProcessCluster> StartAsync(ClusterOptions options, bool batching, BenchProgress progress)
    {
        var config = NodeConfig(batching, options.Config);
        var lastConfig = options.LastNodeConfig is null ? config : ConfigurationFactory.ParseString(options.LastNodeConfig).WithFallback(config);
        var systems = new List<ActorSystem>();
        var cluster = new InProcessCluster(systems, options, progress);
        try
        {
            for (var i = 0; i < options.Nodes; i++)
            {
                var system = ActorSystem.Create("bench", i == options.Nodes - 1 ? lastConfig : config);
                CausalGroups.Get(system);
                DistributedPubSub.Get(system);
                var seed = i == 0 ? AkkaCluster.Get(system).SelfAddress : AkkaCluster.Get(systems[0]).SelfAddress;
                systems.Add(system);
                AkkaCluster.Get(system).Join(seed);
            }
            await BenchSteps.WaitUntil($"forming the cluster of {options.Nodes} nodes (every member Up, none unreachable)", () => Task.FromResult(
                systems.All(s => AkkaCluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == options.Nodes
                                 && AkkaCluster.Get(s).State.Unreachable.Count == 0)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default)));

    public async Task<RunResult> RunOnceAsync(string mode, string tag, int messages, bool record, bool check)
    {
        var n = _systems.Count;
        var transport = ClusterBench.TransportOf(mode);
        long heapBefore = 0;
        if (check) heapBefore = GC.GetTotalMemory(true);

        var state = new RunState(n, messages / n, _options.Window, record, log: record && _options.LogDir is not null);
        var nodes = _systems.Select((s, i) => NodeRun.Create(s, i, state, mode, tag)).ToArray();

        switch (transport)
        {
            case Transport.Raw:
                var addresses = _systems.Select(s => AkkaCluster.Get(s).SelfAddress).ToArray();
                foreach (var node in nodes) await node.ConnectPeersAsync(addresses);
                break;
            case Transport.PubSub:
                // Subscriptions spread by gossip: publish probes from every node until every node has seen every node's.
                await BenchSteps.WaitUntil("pubsub subscriptions (every node's probe seen at every node)", () =>
                {
                    foreach (var node in nodes) node.PublishProbe();
                    return Task.FromResult(nodes.All(node => node.SeenEveryProbe));
                });
                break;
            default:
                foreach (var node in nodes) await node.JoinGroupAsync();
                await BenchSteps.WaitUntil($"the group view (all {n} members, one view id)", async () =>
                {
                    var statuses = await Task.WhenAll(nodes.Select(node => node.StatusAsync()));
                    return statuses.All(s => NodeRun.InFullView(s, n) && s.View.Id == statuses[0].View.Id);
                });
                break;
        }

        var ports = _systems.Select(s => AkkaCluster.Get(s).SelfAddress.Port ?? 0).ToArray();
        var bytesBefore = WireBytes.Snapshot(ports);
        var countsBefore = transport == Transport.Causal ? await CountsAsync(nodes) : null;

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var (allocatedBefore, gen0Before, gen2Before) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(2));
        foreach (var node in nodes) node.Start();
        var timeout = RunTimeout(messages);
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
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore, GC.CollectionCount(0) - gen0Before, GC.CollectionCount(2) - gen2Before);

        var figures = new RunFigures
        {
            Nodes = n,
            PerNode = state.PerNode,
            Delivered = Interlocked.Read(ref state.Delivered),
            FirstSend = state.FirstSend,
            LastDelivery = Volatile.Read(ref state.LastDelivery),
            Latencies = state.AllLatencies(),
            BytesBefore = bytesBefore,
            BytesAfter = WireBytes.Snapshot(ports),
            Counts = countsBefore is null ? null : await CountsAsync(nodes) - countsBefore,
            Complete = complete,
            Refused = Interlocked.Read(ref state.Refused),
            BackPressureRetries = Interlocked.Read(ref state.BackPressureRetries),
            Cpu = cpu,
            Allocated = allocated,
        };

        if (record) await RecordAsync(nodes, state, mode, tag, messages, check, heapBefore);

        if (transport == Transport.Causal && complete) await SettleAsync(nodes);
        foreach (var node in nodes) node.Stop();
        await Task.Delay(QuietAfterRun(transport));
        return figures.ToResult();
    }

    /// <summary>How long the benchmark waits for every delivery of one run before calling it incomplete.</summary>
    /// <summary>
    /// Before the members leave: waits (at most <see cref="SettleBound"/>, untimed) until no member buffers an unstable
    /// message. Members that leave with the run's messages still unstable carry them in the flushes of the leave, large
    /// enough to be chunked, from every member at each view change; at 17 members that work outlasted the quiet time and
    /// ran into the next run's time and CPU.
    /// </summary>
    private static async Task SettleAsync(NodeRun[] nodes)
    {
        var deadline = DateTime.UtcNow + SettleBound;
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(nodes.Select(node => node.StatusAsync()));
            if (statuses.All(s => s.Protocol.UnstableBuffered == 0)) return;
            await Task.Delay(50);
        }
    }

    public static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(10);

    public static TimeSpan RunTimeout(int messages) => TimeSpan.FromSeconds(60 + messages / 2_000.0);

    /// <summary>Subscriber terminated: the group member leaves. Give it a moment so the next run starts on a quiet cluster.</summary>
    public static TimeSpan QuietAfterRun(Transport transport) => TimeSpan.FromMilliseconds(transport == Transport.Causal ? 1_500 : 300);

    private static async Task<ProtocolCounts> CountsAsync(IEnumerable<NodeRun> nodes) =>
        ProtocolCounts.Sum((await Task.WhenAll(nodes.Select(node => node.StatusAsync()))).Select(ProtocolCounts.Of));

    private async Task RecordAsync(NodeRun[] nodes, RunState state, string mode, string tag, int messages, bool check, long heapBefore)
    {
        var records = new List<BenchNode.Record>();
        foreach (var node in nodes) records.Add(await BenchSteps.Ask<BenchNode.Record>(node.Actor, new BenchNode.GetRecord(), $"node {node.Index}: its history"));
        if (_options.LogDir is { } dir)
        {
            Directory.CreateDirectory(dir);
            for (var i = 0; i < nodes.Length; i++)
            {
                var file = Path.Combine(dir, $"{tag}-member{i}.jsonl");
                await File.WriteAllLinesAsync(file, records[i].Lines);
            }
            _progress.Line($"   wrote {nodes.Length} member logs to {dir} ({tag}-member*.jsonl)");
        }
        if (!check) return;
        var eventCount = records.Sum(r => r.History.Events.Count);
        var sw = Stopwatch.StartNew();
        var violations = InvariantChecker.Check(records.Select(r => r.History).ToList());
        _progress.Line($"   checker: {violations.Count} violations ({eventCount:N0} events, {sw.Elapsed.TotalSeconds:F1} s)");
        foreach (var v in violations.Take(20)) _progress.Line($"     {v}");
        records.Clear();
        foreach (var node in nodes) await BenchSteps.Ask<BenchNode.Done>(node.Actor, new BenchNode.ClearRecord(), $"node {node.Index}: clearing its history");
        state.DropSamples();
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
