using System.Net;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Xunit.Abstractions;

namespace ActorCausal.Tests.Support;

/// <summary>
/// Test host processes that <see cref="NetworkCuts"/> can partition: host i listens on 127.0.0.(11+i) at a fixed port
/// (a restarted host comes back at the same address, as a new incarnation) under its own group id. Host 0 is the seed.
/// Disposing stops every host, removes every rule, and keeps the logs of a failed test.
/// </summary>
public sealed class PartitionCluster : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string[] _common;
    private readonly int[] _ports;
    private readonly int[] _incarnations;
    private readonly HostProcess?[] _current;
    private bool _passed;

    public PartitionCluster(int hosts, string group, ITestOutputHelper output, IEnumerable<string> hocon)
    {
        _output = output;
        Directory = System.IO.Directory.CreateTempSubdirectory("actorcausal-partitions-").FullName;
        Hosts = new HostCluster(Directory, output);
        Net = new NetworkCuts(hosts);
        _ports = Enumerable.Range(0, hosts).Select(i => HostCluster.FreePort(NetworkCuts.Address(i))).ToArray();
        _incarnations = new int[hosts];
        _current = new HostProcess?[hosts];
        _common =
        [
            "--group", group, "--messages", "100000", "--interval-ms", "40", "--wait-members", "1",
            "--config", Path.Combine(Repo.Root, "hocon", "cluster-loopback.conf"),
            "--config", Path.Combine(Repo.Root, "hocon", "split-brain-resolver.conf"),
            .. hocon.SelectMany(h => new[] { "--hocon", h }),
            "--seed", $"{NetworkCuts.Address(0)}:{_ports[0]}",
        ];
    }

    public string Directory { get; }

    public HostCluster Hosts { get; }

    public NetworkCuts Net { get; }

    public int Count => _ports.Length;

    /// <summary>The process now running as host <paramref name="i"/> (its latest incarnation).</summary>
    public HostProcess this[int i] => _current[i] ?? throw new InvalidOperationException($"host {i} was not started");

    public HostLog Log(int i) => this[i].ReadLog();

    /// <summary>Starts host <paramref name="i"/> (again: a new process, a new incarnation at the same address and port).</summary>
    public HostProcess Start(int i, string order = "causal")
    {
        var args = new List<string>(_common)
        {
            "--order", order, "--port", _ports[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--hocon", $"akka.remote.dot-netty.tcp.hostname = \"{NetworkCuts.Address(i)}\"",
        };
        // The group exists once host 0 founded it: a later starter must not found a second one if an answer is late.
        if (i != 0 || _incarnations[0] > 0) args.AddRange(["--hocon", "actorcausal.founding-delay = 20s"]);
        var name = _incarnations[i] == 0 ? $"host{i}" : $"host{i}-{_incarnations[i]}";
        _incarnations[i]++;
        return _current[i] = Hosts.Start(name, args, Net.Gid(i));
    }

    /// <summary>Host 0 founds the group, then the others join; all of them deliver from all of them.</summary>
    public async Task StartAllAsync(TimeSpan timeout)
    {
        Start(0);
        await Hosts.EventuallyAsync(() => Log(0).Views.Any(), timeout, "host 0 founds the group");
        for (var i = 1; i < Count; i++) Start(i);
        await Hosts.EventuallyAsync(() => Enumerable.Range(0, Count).Select(Log).All(l => l.Views.Any(v => v.Members.Length == Count)
            && l.Deliveries.Select(d => d.Sender).Distinct().Count() == Count), timeout, $"{Count} hosts deliver from each other");
    }

    public MemberId Member(int i) => Log(i).Member ?? throw new InvalidOperationException($"host {i} has no start line");

    /// <summary>Whether host <paramref name="i"/>'s latest view is exactly <paramref name="members"/>.</summary>
    public bool HasView(int i, IEnumerable<MemberId> members) =>
        Log(i).Views.LastOrDefault() is { } v && v.Members.ToHashSet().SetEquals(members);

    /// <summary>Whether host <paramref name="i"/>'s group stopped with <paramref name="reason"/>.</summary>
    public bool Stopped(int i, StopReason reason) => Log(i).Events.OfType<StopEvent>().Any(s => s.Reason == reason);

    /// <summary>The reason host <paramref name="i"/>'s actor system shut down, as its log says ({"ev":"shutdown"}); null if it did not.</summary>
    public string? ShutdownReason(int i) => ShutdownLine(this[i].LogPath) is { } line
        ? System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("reason").GetString()
        : null;

    private static bool HasShutdownLine(string logPath) => ShutdownLine(logPath) is not null;

    private static string? ShutdownLine(string logPath)
    {
        if (!File.Exists(logPath)) return null;
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').LastOrDefault(l => l.Contains("\"ev\":\"shutdown\"", StringComparison.Ordinal) && l.EndsWith('}'));
    }

    /// <summary>
    /// Host <paramref name="i"/> was downed: its group stopped with Downed. (A node that learns from the others' gossip
    /// that it is down shuts down at once, often before its own MemberDowned reaches the group actor; the group then
    /// stops with Downed on the shutdown's ClusterDowningReason.) <paramref name="how"/> says what the log shows.
    /// </summary>
    public bool Downed(int i, out string how)
    {
        var downed = Stopped(i, StopReason.Downed);
        how = downed ? "its group stopped, Downed" : $"its group did not stop with Downed (actor system shutdown reason: {ShutdownReason(i) ?? "none"})";
        return downed;
    }

    /// <summary>
    /// No more broadcasts at the running hosts <paramref name="running"/>, then waits until each delivered every message
    /// any of them sent in a view it installed, so that their logs can be read whole.
    /// </summary>
    public async Task QuiesceAsync(IReadOnlyList<int> running, TimeSpan timeout)
    {
        foreach (var i in running) this[i].Command("quiet");
        await Hosts.EventuallyAsync(() =>
        {
            var logs = running.Select(Log).ToList();
            var sent = logs.SelectMany(l => l.Events.OfType<SendEvent>().Select(s => s.Id)).ToList();
            // A host that joined later has the earlier views' messages in its snapshot, not delivered.
            return logs.All(l => sent.Where(id => l.Views.Any(v => v.ViewId == id.ViewId)).All(l.Deliveries.Select(d => d.Id).ToHashSet().Contains));
        }, timeout, "the running hosts deliver everything they sent");
    }

    /// <summary>Every log written in this test (every incarnation), for the checker.</summary>
    public IReadOnlyList<HostLog> AllLogs() => Hosts.Hosts.Select(h => h.ReadLog()).ToList();

    /// <summary>The invariant checker over every incarnation's log; prints and returns the violations.</summary>
    public IReadOnlyList<InvariantViolation> Check(bool checkValidity)
    {
        // A host that ended (or is shutting down) without a stop in its log (a downed node whose group did not get to say
        // so) is gone: a crash.
        var histories = Hosts.Hosts.Select(h => (Log: h.ReadLog(), Gone: h.HasExited || HasShutdownLine(h.LogPath)))
            .Select(x => x.Gone && !x.Log.Events.Any(e => e is StopEvent or FailedEvent or CrashEvent) ? x.Log.History with { Events = [.. x.Log.Events, new CrashEvent()] } : x.Log.History);
        var violations = InvariantChecker.Check(histories, checkValidity);
        foreach (var v in violations.Take(30)) _output.WriteLine(v.ToString());
        return violations;
    }

    public void Passed() => _passed = true;

    public void Dispose()
    {
        try
        {
            Hosts.Dispose();
        }
        finally
        {
            Net.Dispose();
            if (_passed) System.IO.Directory.Delete(Directory, recursive: true);
            else _output.WriteLine($"host logs kept in {Directory}");
        }
    }
}
