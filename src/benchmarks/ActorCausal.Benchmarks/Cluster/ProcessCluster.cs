using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// One node per OS process on 127.0.0.1 (<see cref="NodeProcess"/>), coordinated by this one: the same steps as
/// <see cref="InProcessCluster"/>, sent as commands. The flow-control counters are a file every node maps
/// (<see cref="DeliveryBoard"/>); this process reads them to see the run complete. Bytes on the wire are counted here,
/// from the kernel's counters of the nodes' connections; protocol counts and latencies come from the nodes' reports.
/// </summary>
public sealed class ProcessCluster : IBenchCluster
{
    private readonly List<NodeProcess> _nodes = new();
    private readonly List<string> _addresses = new();
    private readonly List<int> _ports = new();
    private readonly ClusterOptions _options;
    private readonly BenchProgress _progress;
    private readonly string _boardPath = DeliveryBoard.NewPath();
    private readonly DeliveryBoard _board;

    private ProcessCluster(ClusterOptions options, BenchProgress progress)
    {
        _options = options;
        _progress = progress;
        _board = DeliveryBoard.Create(_boardPath, options.Nodes);
    }

    public static async Task<ProcessCluster> StartAsync(ClusterOptions options, bool batching, BenchProgress progress)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("cluster --processes compares Stopwatch timestamps across processes, one clock only on Linux (CLOCK_MONOTONIC).");
        var cluster = new ProcessCluster(options, progress);
        try
        {
            var started = Stopwatch.StartNew();
            NodeProcess StartNode(int i) =>
                NodeProcess.Start(new NodeChild.Options(i, options.Nodes, Environment.ProcessId, cluster._boardPath, batching, options.Config), progress);
            // The first node is the seed; the others start once it is up, all at once.
            cluster._nodes.Add(StartNode(0));
            var seed = await cluster._nodes[0].HelloAsync();
            for (var i = 1; i < options.Nodes; i++) cluster._nodes.Add(StartNode(i));
            var addresses = await Task.WhenAll(cluster._nodes.Skip(1).Select(n => n.HelloAsync()));
            // Every node has mapped the board by now: unlinked, it lives as long as the mappings, so even a killed run leaves no file.
            cluster.DeleteBoardFile();
            cluster._addresses.Add(seed);
            cluster._addresses.AddRange(addresses);
            cluster._ports.AddRange(cluster._addresses.Select(a => Address.Parse(a).Port ?? 0));
            await cluster.AllAsync(_ => new JsonObject { ["op"] = "join", ["seed"] = seed }, "joining the cluster");
            progress.Line($"   {options.Nodes} node processes Up in {started.Elapsed.TotalSeconds:F1} s (pids {string.Join(", ", cluster._nodes.Select(n => n.Pid))})");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<RunResult> RunOnceAsync(string mode, string tag, int messages, bool record, bool check)
    {
        if (record || check) throw new NotSupportedException("--log and --check need every node in one process.");
        var n = _nodes.Count;
        var transport = ClusterBench.TransportOf(mode);
        var perNode = messages / n;
        _board.Clear();

        // One at a time, as in one process: the first member founds the group, the others join it.
        foreach (var node in _nodes)
        {
            await node.CallAsync(new JsonObject
            {
                ["op"] = "prepare", ["mode"] = mode, ["tag"] = tag, ["messages"] = messages, ["window"] = _options.Window,
                ["addresses"] = new JsonArray(_addresses.Select(a => (JsonNode)a).ToArray()),
            }, $"preparing {tag}");
        }
        if (transport == Transport.Causal)
        {
            await BenchSteps.WaitUntil($"the group view (all {n} members, one view id)", async () =>
            {
                var views = await AllAsync(_ => new JsonObject { ["op"] = "connect" }, "the group view");
                return views.Select(v => v["viewId"]!.GetValue<long>()).Distinct().Count() == 1;
            });
        }
        else
        {
            await AllAsync(_ => new JsonObject { ["op"] = "connect" }, transport == Transport.Raw ? "resolving the peers" : "pubsub subscriptions");
        }

        var bytesBefore = WireBytes.Snapshot(_ports);
        await AllAsync(_ => new JsonObject { ["op"] = "snapshot" }, "counters before the run");
        await AllAsync(_ => new JsonObject { ["op"] = "start" }, "starting");

        var expected = (long)perNode * n * n;
        var timeout = InProcessCluster.RunTimeout(messages);
        var deadline = Stopwatch.StartNew();
        while (_board.Total() < expected && deadline.Elapsed < timeout)
        {
            ThrowIfCrashed();
            await Task.Delay(10);
        }
        var bytesAfter = WireBytes.Snapshot(_ports);
        var complete = _board.Total() >= expected;
        if (!complete) _progress.Line($"   {tag}: only {_board.Total():N0} of {expected:N0} deliveries within {timeout.TotalSeconds:F0} s");

        var reports = (await AllAsync(_ => new JsonObject { ["op"] = "finish" }, "its report"))
            .Select(r => NodeLines.FromNode<NodeLines.RunReport>(r["report"]!)).ToList();
        await Task.Delay(InProcessCluster.QuietAfterRun(transport));
        return new RunFigures
        {
            Nodes = n,
            PerNode = perNode,
            Delivered = reports.Sum(r => r.Delivered),
            FirstSend = reports.Min(r => r.FirstSend),
            LastDelivery = reports.Max(r => r.LastDelivery),
            Latencies = reports.SelectMany(r => r.DecodeLatencies()).ToArray(),
            BytesBefore = bytesBefore,
            BytesAfter = bytesAfter,
            Counts = transport == Transport.Causal ? ProtocolCounts.Sum(reports.Select(r => r.Counts!)) : null,
            Complete = complete,
            Refused = reports.Sum(r => r.Refused),
            BackPressureRetries = reports.Sum(r => r.BackPressureRetries),
            Cpu = TimeSpan.FromTicks(reports.Sum(r => r.CpuTicks)),
        }.ToResult();
    }

    /// <summary>
    /// The same kind of command to every node at once; the answers in node order. A node that crashes ends the wait at
    /// once, and its crash is what is reported (not the other nodes' stalls waiting for it).
    /// </summary>
    private async Task<JsonObject[]> AllAsync(Func<NodeProcess, JsonObject> command, string step)
    {
        var answers = Task.WhenAll(_nodes.Select(node => node.CallAsync(command(node), step)));
        await Task.WhenAny(answers, Task.WhenAny(_nodes.Select(node => node.Crashed)));
        ThrowIfCrashed();
        return await answers;
    }

    private void ThrowIfCrashed()
    {
        foreach (var node in _nodes)
        {
            if (node.Crashed.IsFaulted) throw node.Crashed.Exception!.InnerException!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(node => node.DisposeAsync().AsTask()));
        _board.Dispose();
        DeleteBoardFile();
    }

    private void DeleteBoardFile()
    {
        try
        {
            File.Delete(_boardPath);
        }
        catch (IOException)
        {
        }
    }
}
