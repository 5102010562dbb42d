// ActorCausal test host: one cluster node per OS process.
//
//   dotnet ActorCausal.TestHost.dll --log FILE [--port N] [--seed HOST:PORT|akka.tcp://sys@host:port]...
//       [--group NAME] [--messages N] [--interval-ms N] [--order causal|fifo|explicit|total|safecausal|safetotal] [--wait-members N]
//       [--config FILE]... [--hocon TEXT]... [--system NAME] [--ignore-stdin]
//
// Joins the cluster (the seeds given, or itself), joins the group, and once it has installed a view with at least
// --wait-members members broadcasts --messages payloads, one every --interval-ms. It writes its delivery log to --log,
// one JSON object per line, flushed per line (a SIGKILL loses at most the line being written):
//   {"ev":"start","member":ADDR,"incarnation":UID,"pid":PID}
//   {"ev":"view","view":V,"members":["ADDR#UID",...]}
//   {"ev":"send","id":"V.S.Q","order":"causal","deps":[...]}
//   {"ev":"deliver","id":"V.S.Q","sender":"ADDR#UID","order":"causal","view":V}
//   {"ev":"snapshot","view":V,"ids":[...]}           (a joiner loaded the state of the members)
//   {"ev":"shutdown","reason":R}                     (the actor system shuts down: R is the CoordinatedShutdown reason's type, e.g. ClusterDowningReason)
//   {"ev":"refused","reason":R}   {"ev":"suspected"|"reachable","member":"ADDR#UID"}   {"ev":"stopped","reason":R}   {"ev":"failed","reason":R,"detail":D} (the group actor failed)
// Standard input: "send K" broadcasts K more; "quiet" broadcasts nothing more; "leave" leaves the group; end of input stops the process (so a host
// started by a test that dies goes away too). --ignore-stdin: run until killed or downed instead.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using ActorCausal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

var options = HostOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: ActorCausal.TestHost --log FILE [--port N] [--seed HOST:PORT]... [--group NAME] [--messages N] [--interval-ms N] [--order causal] [--wait-members N] [--config FILE]... [--hocon TEXT]... [--system NAME] [--ignore-stdin]");
    return 2;
}

var config = options.BuildConfig();
using var system = ActorSystem.Create(options.SystemName, config);
CausalGroups.Get(system);
var cluster = Cluster.Get(system);
var seeds = options.Seeds.Count == 0 ? [cluster.SelfAddress] : options.Seeds.Select(s => options.SeedAddress(s)).ToList();
cluster.JoinSeedNodes(seeds);

await using var log = new JsonLog(options.LogPath);
var self = new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
log.Write(w =>
{
    w.WriteString("ev", "start");
    w.WriteString("member", self.Address);
    w.WriteNumber("incarnation", self.Incarnation);
    w.WriteNumber("pid", Environment.ProcessId);
});
Console.WriteLine($"ActorCausal.TestHost {self} pid {Environment.ProcessId} log {options.LogPath}");
// Why the actor system shuts down (a node downed by another learns it from gossip and shuts down at once), logged before
// anything stops: a test can tell a downed host from a crashed one even when its group logged no stop.
CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "log-shutdown", () =>
{
    var reason = CoordinatedShutdown.Get(system).ShutdownReason?.GetType().Name ?? "unknown";
    try
    {
        log.Write(w => { w.WriteString("ev", "shutdown"); w.WriteString("reason", reason); });
    }
    catch (ObjectDisposedException)
    {
        // the process is ending anyway
    }
    return Task.FromResult(Done.Instance);
});

var host = system.ActorOf(Props.Create(() => new HostActor(options, log, self)), "host");
// A downed node's shutdown is quick and ends the process (exit code 3), while the host actor may still have a backlog
// of deliveries in its mailbox ahead of the group's GroupStopped: before the actors stop, let it log what it was told.
CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "drain-host-log", async () =>
{
    try
    {
        await host.Ask<HostActor.Drained>(HostActor.Drain.Instance, TimeSpan.FromSeconds(10));
    }
    catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
    {
        // the log ends where the actor got to
    }
    return Done.Instance;
});
var group = CausalGroups.Get(system).Join(options.Group, host);
host.Tell(new HostActor.Attach(await group.Ref));

// Standard input drives the host; its end (the test process went away) stops it.
var input = options.IgnoreStdin ? Task.Delay(Timeout.Infinite) : Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is { } line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && parts[0] == "send" && int.TryParse(parts[1], out var k)) host.Tell(new HostActor.SendMore(k));
        else if (parts.Length == 1 && parts[0] == "quiet") host.Tell(new HostActor.Quiet());
        else if (parts.Length == 1 && parts[0] == "leave") await group.Leave();
    }
});
await Task.WhenAny(input, system.WhenTerminated);
await system.Terminate().WaitAsync(TimeSpan.FromSeconds(15)).ContinueWith(_ => { });
return 0;

internal sealed class HostOptions
{
    public required string LogPath { get; init; }
    public int Port { get; init; }
    public List<string> Seeds { get; } = new();
    public string Group { get; init; } = "testhost";
    public int Messages { get; init; } = 100;
    public int IntervalMs { get; init; } = 20;
    public DeliveryOrder Order { get; init; } = DeliveryOrder.Causal;
    public int WaitMembers { get; init; } = 1;
    public List<string> ConfigFiles { get; } = new();
    public List<string> Hocon { get; } = new();
    public string SystemName { get; init; } = "actorcausal";
    public bool IgnoreStdin { get; init; }

    /// <summary>Defaults under the --config files (which win): the cluster itself comes from hocon/cluster-loopback.conf.</summary>
    public const string BaseConfig = """
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """;

    public static HostOptions? Parse(string[] args)
    {
        string? log = null;
        int port = 0, messages = 100, interval = 20, wait = 1;
        string group = "testhost", systemName = "actorcausal";
        var ignoreStdin = false;
        var order = DeliveryOrder.Causal;
        List<string> seeds = new(), files = new(), hocon = new();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--log": log = Next(); break;
                case "--port": port = int.Parse(Next()); break;
                case "--seed": seeds.Add(Next()); break;
                case "--group": group = Next(); break;
                case "--messages": messages = int.Parse(Next()); break;
                case "--interval-ms": interval = int.Parse(Next()); break;
                case "--order": order = Enum.Parse<DeliveryOrder>(Next(), ignoreCase: true); break;
                case "--wait-members": wait = int.Parse(Next()); break;
                case "--config": files.Add(Next()); break;
                case "--hocon": hocon.Add(Next()); break;
                case "--system": systemName = Next(); break;
                case "--ignore-stdin": ignoreStdin = true; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return null;
            }
        }
        if (log is null) return null;
        if (files.Count == 0)
        {
            Console.Error.WriteLine("--config hocon/cluster-loopback.conf (and any overrides) is required: it defines the cluster.");
            return null;
        }
        var o = new HostOptions { LogPath = log, Port = port, Group = group, Messages = messages, IntervalMs = interval, Order = order, WaitMembers = wait, SystemName = systemName, IgnoreStdin = ignoreStdin };
        o.Seeds.AddRange(seeds);
        o.ConfigFiles.AddRange(files);
        o.Hocon.AddRange(hocon);
        return o;
    }

    /// <summary>Base config, then the --config files (later ones win), then --hocon texts, then port and seeds.</summary>
    public Config BuildConfig()
    {
        var config = ConfigurationFactory.ParseString(BaseConfig);
        foreach (var file in ConfigFiles) config = ConfigurationFactory.ParseString(File.ReadAllText(file)).WithFallback(config);
        foreach (var text in Hocon) config = ConfigurationFactory.ParseString(text).WithFallback(config);
        // Seeds are joined explicitly (JoinSeedNodes), so the files' seed-nodes lists are cleared.
        return ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.port = {Port}
            akka.cluster.seed-nodes = []
            """).WithFallback(config);
    }

    public Address SeedAddress(string seed)
    {
        if (seed.Contains("://", StringComparison.Ordinal)) return Address.Parse(seed);
        var colon = seed.LastIndexOf(':');
        return new Address("akka.tcp", SystemName, seed[..colon], int.Parse(seed[(colon + 1)..]));
    }
}

/// <summary>One JSON object per line, flushed per line.</summary>
internal sealed class JsonLog : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly object _gate = new();

    public JsonLog(string path)
    {
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        var line = Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
        lock (_gate) _writer.Write(line);
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate) _writer.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The group's subscriber: logs every event in the member's local order and broadcasts at the given pace.</summary>
internal sealed class HostActor : ReceiveActor, IWithTimers
{
    public sealed record Attach(IActorRef Group);
    public sealed record SendMore(int Count);
    /// <summary>Broadcast nothing more (what is already sent still completes).</summary>
    public sealed record Quiet;
    public sealed class Drain { public static readonly Drain Instance = new(); }
    public sealed record Drained;
    private sealed record Pace;

    private const int Window = 8;
    private readonly HostOptions _options;
    private readonly JsonLog _log;
    private readonly MemberId _self;
    private readonly List<MessageId> _state = new();
    private readonly Dictionary<long, (DeliveryOrder Order, ImmutableArray<MessageId> Deps)> _held = new();
    private readonly Queue<(DeliveryOrder Order, ImmutableArray<MessageId> Deps)> _awaitingReply = new();
    private IActorRef? _group;
    private int _toSend;
    private int _counter;
    private bool _started;
    private MessageId? _lastFromOther;
    private long _viewId;

    public ITimerScheduler Timers { get; set; } = null!;

    public HostActor(HostOptions options, JsonLog log, MemberId self)
    {
        _options = options;
        _log = log;
        _self = self;
        Receive<Attach>(a =>
        {
            _group = a.Group;
            Timers.StartPeriodicTimer("pace", new Pace(), TimeSpan.FromMilliseconds(Math.Max(1, options.IntervalMs)));
        });
        Receive<SendMore>(m => _toSend += m.Count);
        Receive<Drain>(_ => Sender.Tell(new Drained()));
        Receive<Quiet>(_ =>
        {
            _toSend = 0;
            _started = true; // a view installed later adds no more

        });
        Receive<Pace>(_ => SendOne());
        Receive<BroadcastReply>(OnReply);
        Receive<BroadcastReleased>(r =>
        {
            if (_held.Remove(r.Ticket, out var h)) LogSend(r.Id, h.Order, h.Deps);
        });
        Receive<Delivered>(d =>
        {
            _state.Add(d.MessageId);
            if (d.Sender != _self) _lastFromOther = d.MessageId;
            _log.Write(w =>
            {
                w.WriteString("ev", "deliver");
                w.WriteString("id", d.MessageId.ToString());
                w.WriteString("sender", d.Sender.ToString());
                w.WriteString("order", d.Order.ToString().ToLowerInvariant());
                w.WriteNumber("view", d.ViewId);
            });
        });
        Receive<ViewChanged>(v =>
        {
            _viewId = v.View.Id;
            _log.Write(w =>
            {
                w.WriteString("ev", "view");
                w.WriteNumber("view", v.View.Id);
                w.WriteStartArray("members");
                foreach (var m in v.View.Members) w.WriteStringValue(m.ToString());
                w.WriteEndArray();
            });
            if (!_started && v.View.Size >= _options.WaitMembers)
            {
                _started = true;
                _toSend += _options.Messages;
            }
        });
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, Encoding.UTF8.GetBytes(string.Join(",", _state)))));
        Receive<InstallSnapshot>(s =>
        {
            var text = Encoding.UTF8.GetString(s.Snapshot.Span);
            var ids = text.Length == 0 ? new List<MessageId>() : text.Split(',').Select(MessageId.Parse).ToList();
            _state.Clear();
            _state.AddRange(ids);
            _log.Write(w =>
            {
                w.WriteString("ev", "snapshot");
                w.WriteNumber("view", s.ViewId);
                w.WriteStartArray("ids");
                foreach (var id in ids) w.WriteStringValue(id.ToString());
                w.WriteEndArray();
            });
        });
        Receive<ActorCausal.MemberSuspected>(m => _log.Write(w => { w.WriteString("ev", "suspected"); w.WriteString("member", m.Member.ToString()); }));
        Receive<ActorCausal.MemberReachable>(m => _log.Write(w => { w.WriteString("ev", "reachable"); w.WriteString("member", m.Member.ToString()); }));
        Receive<GroupStopped>(s =>
        {
            _toSend = 0;
            // The protocol's stops are "stopped"; a failed group actor (or a reason this host does not know) is its own event.
            var ev = s.Reason is GroupStopReason.Left or GroupStopReason.Downed or GroupStopReason.ExcludedFromView ? "stopped" : "failed";
            _log.Write(w => { w.WriteString("ev", ev); w.WriteString("reason", s.Reason.ToString()); w.WriteString("detail", s.Detail); });
        });
    }

    private void SendOne()
    {
        if (_group is null || _toSend == 0 || _awaitingReply.Count >= Window) return;
        _toSend--;
        var order = _options.Order;
        var deps = order == DeliveryOrder.Explicit && _lastFromOther is { } dep && dep.ViewId == _viewId
            ? ImmutableArray.Create(dep)
            : ImmutableArray<MessageId>.Empty;
        _awaitingReply.Enqueue((order, deps));
        _group.Tell(new Broadcast($"{Environment.ProcessId}-{++_counter}", order, deps));
    }

    private void OnReply(BroadcastReply reply)
    {
        var (order, deps) = _awaitingReply.Dequeue();
        switch (reply.Outcome)
        {
            case BroadcastOutcome.Sent:
                LogSend(reply.Id, order, deps);
                break;
            case BroadcastOutcome.Held:
                _held[reply.Ticket] = (order, deps);
                break;
            default:
                _log.Write(w => { w.WriteString("ev", "refused"); w.WriteString("reason", reply.Reason.ToString()); });
                break;
        }
    }

    private void LogSend(MessageId id, DeliveryOrder order, ImmutableArray<MessageId> deps) => _log.Write(w =>
    {
        w.WriteString("ev", "send");
        w.WriteString("id", id.ToString());
        w.WriteString("order", order.ToString().ToLowerInvariant());
        w.WriteStartArray("deps");
        foreach (var d in deps) w.WriteStringValue(d.ToString());
        w.WriteEndArray();
    });
}
