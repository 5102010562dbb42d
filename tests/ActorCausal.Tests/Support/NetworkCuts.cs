using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ActorCausal.Tests.Support;

/// <summary>
/// Real network partitions between test host processes, made with iptables. Each host listens on its own loopback
/// address (127.0.0.11, .12, ...) and runs under its own group id (<see cref="HostProcess.Start"/>).
/// </summary>
/// <remarks>
/// <para>
/// Addresses alone cannot tell the hosts apart: Akka.Remote's outbound connections leave from 127.0.0.1 whatever the
/// host listens on. So every new connection is marked (CONNMARK, in the mangle table's OUTPUT) with the index of the host
/// whose group id owns the connecting socket; a connection then belongs to the pair (its mark's host, the host whose
/// listening address it reaches). "Packets of host a do not reach host b" drops, in INPUT (silently, as a lost link
/// would; a drop in OUTPUT would fail the sender's connect at once), a's connections to b's listener in their forward
/// direction and b's connections to a's listener in their reply direction. A two-way cut is both directions.
/// </para>
/// <para>
/// Everything lives in this run's own chains (ACTORCAUSAL-pid-MARK in mangle, ACTORCAUSAL-pid-CUT in filter), every rule
/// and jump tagged with a comment; Dispose removes them, and the constructor first removes those of runs whose test
/// process is gone (a killed earlier run). Other processes (other tests, other runs) are untouched: only sockets of
/// this run's group ids are marked, and marks and group ids include this run's pid.
/// </para>
/// </remarks>
public sealed partial class NetworkCuts : IDisposable
{
    private const string Prefix = "ACTORCAUSAL-";
    private readonly int _run = Environment.ProcessId;
    private readonly HashSet<(int From, int To)> _cuts = new();
    private readonly List<TcpListener> _probeListeners = new();
    private readonly CancellationTokenSource _stop = new();

    public NetworkCuts(int hosts)
    {
        if (Iptables.Unavailable.Value is { } why) throw new InvalidOperationException(why);
        RemoveLeftovers();
        Count = hosts;
        MarkChain = $"{Prefix}{_run}-MARK";
        CutChain = $"{Prefix}{_run}-CUT";
        Iptables.Run("-t", "mangle", "-N", MarkChain);
        Iptables.Run("-t", "filter", "-N", CutChain);
        for (var i = 0; i < hosts; i++)
            Iptables.Run(["-t", "mangle", "-A", MarkChain, "-m", "owner", "--gid-owner", Gid(i).ToString(CultureInfo.InvariantCulture),
                "-m", "conntrack", "--ctstate", "NEW", .. Comment(), "-j", "CONNMARK", "--set-mark", Mark(i).ToString(CultureInfo.InvariantCulture)]);
        Iptables.Run(["-t", "mangle", "-I", "OUTPUT", "1", .. Comment(), "-j", MarkChain]);
        Iptables.Run(["-t", "filter", "-I", "INPUT", "1", .. Comment(), "-j", CutChain]);
        for (var i = 0; i < hosts; i++)
        {
            var listener = new TcpListener(Address(i), 0);
            listener.Start(64);
            _probeListeners.Add(listener);
            _ = AcceptAndCloseAsync(listener);
        }
    }

    public int Count { get; }

    public string MarkChain { get; }

    public string CutChain { get; }

    /// <summary>Host <paramref name="i"/>'s own loopback address.</summary>
    public static IPAddress Address(int i) => IPAddress.Parse($"127.0.0.{11 + i}");

    /// <summary>Host <paramref name="i"/>'s group id: unused by anything else, and unique to this run (its pid).</summary>
    public int Gid(int i) => 1_000_000 + _run * 16 + i;

    private long Mark(int i) => ((long)(_run & 0x00FFFFFF) << 4) | (uint)(i + 1);

    private string[] Comment(string what = "") => ["-m", "comment", "--comment", $"actorcausal-partitions-pid-{_run}{what}"];

    /// <summary>Packets of host <paramref name="from"/> no longer reach host <paramref name="to"/> (on every connection between them).</summary>
    public void CutOneWay(int from, int to)
    {
        lock (_cuts)
        {
            if (!_cuts.Add((from, to))) return;
            foreach (var rule in Rules(from, to)) Iptables.Run(["-t", "filter", "-A", CutChain, .. rule]);
        }
    }

    public void Cut(int a, int b)
    {
        CutOneWay(a, b);
        CutOneWay(b, a);
    }

    /// <summary>Every host of <paramref name="side"/> loses every host not in it, both ways.</summary>
    public void Isolate(IReadOnlyCollection<int> side)
    {
        foreach (var a in side)
            for (var b = 0; b < Count; b++)
                if (!side.Contains(b)) Cut(a, b);
    }

    public void HealOneWay(int from, int to)
    {
        lock (_cuts)
        {
            if (!_cuts.Remove((from, to))) return;
            foreach (var rule in Rules(from, to)) Iptables.Run(["-t", "filter", "-D", CutChain, .. rule]);
        }
    }

    public void Heal(int a, int b)
    {
        HealOneWay(a, b);
        HealOneWay(b, a);
    }

    public void HealAll()
    {
        lock (_cuts)
        {
            Iptables.Run("-t", "filter", "-F", CutChain);
            _cuts.Clear();
        }
    }

    private IEnumerable<string[]> Rules(int from, int to)
    {
        var tag = Comment($"-cut-{from}-{to}");
        // from's connections to to's listener, forward direction (from 127.0.0.1 to to's address) ...
        yield return ["-m", "connmark", "--mark", Mark(from).ToString(CultureInfo.InvariantCulture), "-d", Address(to).ToString(), .. tag, "-j", "DROP"];
        // ... and to's connections to from's listener, reply direction (from from's address back to 127.0.0.1).
        yield return ["-m", "connmark", "--mark", Mark(to).ToString(CultureInfo.InvariantCulture), "-s", Address(from).ToString(), .. tag, "-j", "DROP"];
    }

    /// <summary>
    /// Whether a process under host <paramref name="from"/>'s group id can open a TCP connection to host
    /// <paramref name="to"/>'s address (a listener of this class there) within <paramref name="wait"/>. TCP needs both
    /// directions: a cut either way fails it.
    /// </summary>
    public async Task<bool> CanConnectAsync(int from, int to, TimeSpan wait)
    {
        var port = ((IPEndPoint)_probeListeners[to].LocalEndpoint).Port;
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var (code, _) = await Task.Run(() => Iptables.Exec("setpriv",
            ["--regid", Gid(from).ToString(CultureInfo.InvariantCulture), "--clear-groups", "--", "timeout", seconds, "bash", "-c", $"exec 3<>/dev/tcp/{Address(to)}/{port}"],
            wait + TimeSpan.FromSeconds(30)));
        return code == 0;
    }

    /// <summary>
    /// Proves the cut machinery here before a test relies on it: host 0 and host 1 cut, neither connects to the other (a
    /// process of another host's group id still does), then healed, both connect again.
    /// </summary>
    public async Task SelfCheckAsync()
    {
        if (Count < 3) throw new InvalidOperationException("the self-check needs three hosts");
        Cut(0, 1);
        var cut = await Task.WhenAll(CanConnectAsync(0, 1, TimeSpan.FromSeconds(2)), CanConnectAsync(1, 0, TimeSpan.FromSeconds(2)), CanConnectAsync(2, 0, TimeSpan.FromSeconds(20)));
        Heal(0, 1);
        if (cut[0] || cut[1])
            throw new InvalidOperationException($"iptables self-check: with 0 and 1 cut, a connection still went through (0->1 {cut[0]}, 1->0 {cut[1]}); rules: {DescribeRules()}");
        if (!cut[2]) throw new InvalidOperationException("iptables self-check: the cut of 0 and 1 also cut 2 from 0");
        await ExpectConnectedAsync(0, 1);
        await ExpectConnectedAsync(1, 0);
    }

    /// <summary>Asserts that each pair cannot connect (the rules are in force).</summary>
    public async Task ExpectCutAsync(params (int From, int To)[] pairs)
    {
        var results = await Task.WhenAll(pairs.Select(p => CanConnectAsync(p.From, p.To, TimeSpan.FromSeconds(2))));
        for (var k = 0; k < pairs.Length; k++)
            if (results[k]) throw new InvalidOperationException($"host {pairs[k].From} still connects to host {pairs[k].To} through the cut; rules: {DescribeRules()}");
    }

    /// <summary>Asserts that <paramref name="from"/> connects to <paramref name="to"/> (generous: the machine may be busy).</summary>
    public async Task ExpectConnectedAsync(int from, int to)
    {
        if (!await CanConnectAsync(from, to, TimeSpan.FromSeconds(20)))
            throw new InvalidOperationException($"host {from} cannot connect to host {to} after the heal; rules: {DescribeRules()}");
    }

    public string DescribeRules() => string.Join(" | ", Iptables.Run("-t", "filter", "-S", CutChain).Split('\n', StringSplitOptions.RemoveEmptyEntries));

    private async Task AcceptAndCloseAsync(TcpListener listener)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _probeListeners) l.Stop();
        RemoveChains(_run);
        _stop.Dispose();
    }

    /// <summary>Removes this class's chains and jumps of every run whose test process is gone (and of this process).</summary>
    public static void RemoveLeftovers()
    {
        if (Iptables.Unavailable.Value is not null) return;
        var runs = new[] { "mangle", "filter" }
            .SelectMany(t => Iptables.Run("-t", t, "-S").Split('\n'))
            .Select(l => ChainName().Match(l)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct();
        foreach (var run in runs)
            if (run == Environment.ProcessId || !Directory.Exists($"/proc/{run}")) RemoveChains(run);
    }

    /// <summary>Removes one run's jumps and chains; what is not there is skipped.</summary>
    private static void RemoveChains(int run)
    {
        foreach (var (table, builtIn, chain) in new[] { ("mangle", "OUTPUT", $"{Prefix}{run}-MARK"), ("filter", "INPUT", $"{Prefix}{run}-CUT") })
        {
            // Every jump to the chain (a run killed between its two inserts leaves one; a repeated insert leaves two).
            foreach (var line in Iptables.Run("-t", table, "-S", builtIn).Split('\n').Where(l => l.EndsWith($"-j {chain}", StringComparison.Ordinal)))
                Iptables.TryRun(["-t", table, .. line.Replace("-A ", "-D ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
            Iptables.TryRun("-t", table, "-F", chain);
            Iptables.TryRun("-t", table, "-X", chain);
        }
    }

    [GeneratedRegex(@"^[-:](?:N )?ACTORCAUSAL-(\d+)-(?:MARK|CUT)\b")]
    private static partial Regex ChainName();
}
