using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// A node process of <c>cluster --processes</c> (the hidden <c>cluster-node</c> command): one ActorSystem on 127.0.0.1,
/// driven by the parent's commands on stdin (<see cref="NodeLines"/>). It exits when stdin closes or the parent process
/// is gone, so it never outlives the parent.
/// <para>
/// Latency across processes: the sender writes <c>Stopwatch.GetTimestamp()</c> into the payload and the receiver
/// subtracts it from its own. On Linux that is <c>clock_gettime(CLOCK_MONOTONIC)</c>, one clock for every process of
/// the machine, so the difference is a true latency; on other systems the parent refuses to run node processes.
/// </para>
/// </summary>
public sealed class NodeChild
{
    public sealed record Options(int Index, int Nodes, int ParentPid, string BoardPath, bool Batching, string? Config);

    private readonly Options _options;
    private readonly ActorSystem _system;
    private readonly DeliveryBoard _board;
    private readonly TextWriter _out;
    private NodeRun? _node;
    private RunState? _state;
    private IReadOnlyList<Address> _addresses = [];
    private ProtocolCounts? _countsBefore;
    private TimeSpan _cpuBefore;
    private CancellationTokenSource? _probing;

    private NodeChild(Options options, ActorSystem system, DeliveryBoard board, TextWriter output)
    {
        _options = options;
        _system = system;
        _board = board;
        _out = output;
    }

    public static async Task<int> RunAsync(Options options)
    {
        var output = Console.Out;
        WatchParent(options.ParentPid);
        var commands = ReadCommands();
        using var board = DeliveryBoard.Open(options.BoardPath, options.Nodes);
        var system = ActorSystem.Create("bench", InProcessCluster.NodeConfig(options.Batching, options.Config));
        CausalGroups.Get(system);
        DistributedPubSub.Get(system);
        var child = new NodeChild(options, system, board, output);
        var self = AkkaCluster.Get(system).SelfAddress;
        child.Reply(NodeLines.HelloId, new JsonObject { ["address"] = self.ToString(), ["port"] = self.Port, ["pid"] = Environment.ProcessId });

        await foreach (var command in commands.ReadAllAsync())
        {
            var id = command["id"]!.GetValue<long>();
            var op = command["op"]!.GetValue<string>();
            try
            {
                var reply = await child.HandleAsync(op, command) ?? new JsonObject();
                child.Reply(id, reply);
                if (op == "stop") return 0;
            }
            catch (BenchStallException e)
            {
                child.Reply(id, new JsonObject { ["error"] = e.Message, ["stall"] = true });
            }
            catch (Exception e)
            {
                child.Reply(id, new JsonObject { ["error"] = $"node {options.Index}, {op}: {e.GetType().Name}: {e.Message}" });
            }
        }
        return 0;
    }

    private void Reply(long id, JsonObject reply)
    {
        reply["id"] = id;
        _out.WriteLine(NodeLines.Prefix + reply.ToJsonString());
    }

    private async Task<JsonObject?> HandleAsync(string op, JsonObject command)
    {
        switch (op)
        {
            case "join":
                var cluster = AkkaCluster.Get(_system);
                cluster.Join(Address.Parse(command["seed"]!.GetValue<string>()));
                await BenchSteps.WaitUntil($"node {_options.Index}: seeing all {_options.Nodes} nodes Up, none unreachable", () => Task.FromResult(
                    cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == _options.Nodes && cluster.State.Unreachable.Count == 0));
                return null;
            case "prepare":
                var mode = command["mode"]!.GetValue<string>();
                var messages = command["messages"]!.GetValue<int>();
                _addresses = command["addresses"]!.AsArray().Select(a => Address.Parse(a!.GetValue<string>())).ToList();
                _state = new RunState(_options.Nodes, messages / _options.Nodes, command["window"]!.GetValue<int>(), record: false, board: _board, localNode: _options.Index);
                _node = NodeRun.Create(_system, _options.Index, _state, mode, command["tag"]!.GetValue<string>());
                _countsBefore = null;
                if (ClusterBench.TransportOf(mode) == Transport.Causal) await _node.JoinGroupAsync();
                return null;
            case "connect":
                return await ConnectAsync();
            case "snapshot":
                if (_node!.Group is not null) _countsBefore = ProtocolCounts.Of(await _node.StatusAsync());
                _cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                return null;
            case "start":
                _probing?.Cancel();
                _node!.Start();
                return null;
            case "finish":
                return await FinishAsync();
            case "stop":
                _probing?.Cancel();
                await _system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
                return null;
            default:
                throw new InvalidDataException($"unknown command '{op}'");
        }
    }

    private async Task<JsonObject?> ConnectAsync()
    {
        var node = _node!;
        switch (ClusterBench.TransportOf(node.Mode))
        {
            case Transport.Raw:
                await node.ConnectPeersAsync(_addresses);
                return null;
            case Transport.PubSub:
                // Keep publishing this node's probe until the run starts: the others may not have seen it yet.
                _probing = new CancellationTokenSource();
                var token = _probing.Token;
                _ = Task.Run(async () =>
                {
                    while (!token.IsCancellationRequested)
                    {
                        node.PublishProbe();
                        await Task.Delay(100, token).ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                }, token);
                await BenchSteps.WaitUntil($"node {node.Index}: pubsub subscriptions (every node's probe seen here)", () => Task.FromResult(node.SeenEveryProbe));
                return null;
            default:
                GroupStatus? status = null;
                await BenchSteps.WaitUntil($"node {node.Index}: the group view (all {_options.Nodes} members)", async () =>
                {
                    status = await node.StatusAsync();
                    return NodeRun.InFullView(status, _options.Nodes);
                });
                return new JsonObject { ["viewId"] = status!.View.Id };
        }
    }

    private async Task<JsonObject> FinishAsync()
    {
        var node = _node!;
        var state = _state!;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuBefore;
        var counts = _countsBefore is { } before ? ProtocolCounts.Of(await node.StatusAsync()) - before : null;
        var report = new NodeLines.RunReport(
            Delivered: Interlocked.Read(ref state.Delivered),
            FirstSend: Volatile.Read(ref state.FirstSend),
            LastDelivery: Volatile.Read(ref state.LastDelivery),
            Latencies: NodeLines.RunReport.Encode(state.AllLatencies()),
            Counts: counts,
            Refused: Interlocked.Read(ref state.Refused),
            BackPressureRetries: Interlocked.Read(ref state.BackPressureRetries),
            CpuTicks: cpu.Ticks);
        node.Stop();
        _node = null;
        return new JsonObject { ["report"] = NodeLines.ToNode(report) };
    }

    /// <summary>Commands from stdin; when stdin closes (the parent is gone or let go of this node), the process exits at once.</summary>
    private static ChannelReader<JsonObject> ReadCommands()
    {
        var channel = Channel.CreateUnbounded<JsonObject>();
        var reader = new Thread(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line.Length == 0) continue;
                channel.Writer.TryWrite(JsonNode.Parse(line)!.AsObject());
            }
            Console.Error.WriteLine("cluster-node: stdin closed, exiting");
            Environment.Exit(3);
        }) { IsBackground = true, Name = "cluster-node stdin" };
        reader.Start();
        return channel.Reader;
    }

    /// <summary>Exits when the parent process is gone (a second guard beside stdin closing).</summary>
    private static void WatchParent(int parentPid)
    {
        var watcher = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1_000);
                if (!IsAlive(parentPid))
                {
                    Console.Error.WriteLine($"cluster-node: parent {parentPid} is gone, exiting");
                    Environment.Exit(4);
                }
            }
        }) { IsBackground = true, Name = "cluster-node parent watch" };
        watcher.Start();
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
