using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Real network partitions between test host processes, made with iptables (<see cref="NetworkCuts"/>): each host on its
/// own loopback address under its own group id, the hocon/ cluster and split-brain-resolver configs. Each test first
/// proves that a cut cuts and a heal heals here, and checks every incarnation's delivery log with the simulator's
/// invariant checker (views, orders, virtual synchrony, snapshots, no orphans). Needs root and iptables: skipped
/// otherwise, failed under CI=true.
/// </summary>
public sealed class PartitionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>Quicker decisions than the file's (the test budget), still above the pauses the loaded machine itself causes.</summary>
    private static readonly string[] Quick =
    [
        "akka.cluster.split-brain-resolver.stable-after = 4s",
        "akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s",
    ];

    [SkippableFact]
    public async Task A_minority_cut_off_is_downed_installs_no_view_and_rejoins_as_a_new_incarnation_with_the_state()
    {
        Iptables.RequireOrSkip();
        using var c = new PartitionCluster(5, "minority", output, Quick);
        await c.Net.SelfCheckAsync();
        await c.StartAllAsync(Generous);
        int[] minority = [3, 4], majority = [0, 1, 2];
        var majorityIds = majority.Select(c.Member).ToList();
        var minorityViews = minority.Select(i => c.Log(i).Views.Count()).ToList();

        c.Net.Isolate(minority);
        await c.Net.ExpectCutAsync((3, 0), (0, 4), (4, 2));
        await c.Net.ExpectConnectedAsync(3, 4);
        await c.Hosts.EventuallyAsync(() => majority.All(i => c.HasView(i, majorityIds)), Generous, "the majority installs a view without the minority");
        // The minority's leader downs its peer first and itself last; the peer learns it from gossip and shuts down, and
        // its group may not get to stop with Downed (docs/protocol.md, Real partitions): PartitionCluster.Downed.
        await c.Hosts.EventuallyAsync(() => minority.All(i => c.Downed(i, out _)), Generous, "the minority is downed");
        Assert.Equal(minorityViews, minority.Select(i => c.Log(i).Views.Count()).ToList());
        Assert.All(minority, i => Assert.DoesNotContain(c.Log(i).Events, e => e is StopEvent { Reason: not StopReason.Downed } or FailedEvent));
        PrintHowDowned(c, minority);
        var old = c.Member(3);

        c.Net.HealAll();
        await c.Net.ExpectConnectedAsync(3, 0);
        await c.Net.ExpectConnectedAsync(0, 3);
        // A downed node terminates its actor system (run-coordinated-shutdown-when-down), and the host process ends.
        await c.Hosts.EventuallyAsync(() => minority.All(i => c[i].HasExited), Generous, "the downed hosts' processes end");

        c.Start(3);
        await c.Hosts.EventuallyAsync(() => c.Log(3).Member is { } m && m.Incarnation != old.Incarnation
            && c.Log(3).Events.OfType<SnapshotLoadEvent>().Any()
            && majority.Append(3).All(i => c.HasView(i, majorityIds.Append(m))), Generous, "host 3 rejoins as a new incarnation and loads the state");
        Assert.Equal(old.Address, c.Member(3).Address);
        var snapshot = c.Log(3).Events.OfType<SnapshotLoadEvent>().Single();
        Assert.True(snapshot.State.Length > 0, "the rejoined host loaded an empty state");
        var deliveredAt3 = c.Log(3).Deliveries.Count;
        await c.Hosts.EventuallyAsync(() => c.Log(3).Deliveries.Count > deliveredAt3 + 20, Generous, "the rejoined host delivers new messages");

        await c.QuiesceAsync([0, 1, 2, 3], Generous);
        Assert.Empty(c.Check(checkValidity: true));
        output.WriteLine($"views at host 0: {string.Join(" ", c.Log(0).Views.Select(v => $"{v.ViewId}:{v.Members.Length}"))}; snapshot of {snapshot.State.Length} messages");
        c.Passed();
    }

    [SkippableFact]
    public async Task A_host_whose_packets_reach_nobody_while_it_hears_everyone_is_downed_and_the_others_go_on()
    {
        Iptables.RequireOrSkip();
        using var c = new PartitionCluster(3, "oneway", output, Quick);
        await c.Net.SelfCheckAsync();
        await c.StartAllAsync(Generous);
        var others = new[] { c.Member(0), c.Member(1) };
        var viewsAt2 = c.Log(2).Views.Count();

        c.Net.CutOneWay(2, 0);
        c.Net.CutOneWay(2, 1);
        await c.Net.ExpectCutAsync((2, 0), (1, 2));
        await c.Hosts.EventuallyAsync(() => c.HasView(0, others) && c.HasView(1, others), Generous, "hosts 0 and 1 install a view without host 2");
        await c.Hosts.EventuallyAsync(() => c.Downed(2, out _), Generous, "host 2 is downed");
        Assert.Equal(viewsAt2, c.Log(2).Views.Count());
        PrintHowDowned(c, [2]);
        var delivered = new[] { c.Log(0).Deliveries.Count, c.Log(1).Deliveries.Count };
        await c.Hosts.EventuallyAsync(() => c.Log(0).Deliveries.Count > delivered[0] + 20 && c.Log(1).Deliveries.Count > delivered[1] + 20, Generous, "hosts 0 and 1 go on");

        c.Net.HealAll();
        await c.QuiesceAsync([0, 1], Generous);
        Assert.Empty(c.Check(checkValidity: true));
        c.Passed();
    }

    [SkippableFact]
    public async Task Two_hosts_that_lose_each_other_but_not_the_rest_are_downed_as_indirectly_connected_and_the_rest_go_on()
    {
        Iptables.RequireOrSkip();
        using var c = new PartitionCluster(4, "bridge", output, Quick);
        await c.Net.SelfCheckAsync();
        await c.StartAllAsync(Generous);
        int[] pair = [1, 2], rest = [0, 3];
        var restIds = rest.Select(c.Member).ToList();
        var pairViews = pair.Select(i => c.Log(i).Views.Count()).ToList();

        c.Net.Cut(1, 2);
        await c.Net.ExpectCutAsync((1, 2), (2, 1));
        await c.Net.ExpectConnectedAsync(1, 0);
        await c.Net.ExpectConnectedAsync(2, 3);
        // Akka's resolver keeps the fully connected nodes and downs the indirectly connected ones: both of the pair.
        await c.Hosts.EventuallyAsync(() => rest.All(i => c.HasView(i, restIds)), Generous, "hosts 0 and 3 install a view of the two of them");
        await c.Hosts.EventuallyAsync(() => pair.All(i => c.Downed(i, out _)), Generous, "the pair is downed");
        Assert.Equal(pairViews, pair.Select(i => c.Log(i).Views.Count()).ToList());
        Assert.All(pair, i => Assert.DoesNotContain(c.Log(i).Events, e => e is StopEvent { Reason: not StopReason.Downed } or FailedEvent));
        PrintHowDowned(c, pair);

        c.Net.HealAll();
        await c.QuiesceAsync(rest, Generous);
        Assert.Empty(c.Check(checkValidity: true));
        c.Passed();
    }

    /// <summary>
    /// A flapping link: hosts 1 and 2 lose each other and find each other again, over and over, while hosts 0 and 3 reach
    /// both. Under the resolver settings as shipped (hocon/split-brain-resolver.conf: stable-after, down-all-when-unstable)
    /// with a 3 s failure-detector pause (<see cref="FlapPlan"/>: so that every cut is a suspicion and every heal a
    /// recovery), hosts 0 and 3 are never downed and stay in every view; each of 1 and 2 is either still a member at the
    /// end or was downed (as indirectly connected); the running hosts agree and go on. The timeline (suspicions, views,
    /// stops, seconds from the first cut) is printed: the measurement behind the file's settings.
    /// ACTORCAUSAL_FLAP="cut=5,heal=5,flaps=4[,hold=1-3]" (hold: a second link cut throughout) and
    /// ACTORCAUSAL_FLAP_HOCON="line;line" (instead of the plan's settings) measure others.
    /// </summary>
    [SkippableFact]
    public async Task A_flapping_link_never_downs_the_hosts_that_reach_everyone_and_the_group_goes_on()
    {
        Iptables.RequireOrSkip();
        var plan = FlapPlan.FromEnvironment();
        output.WriteLine($"plan: {plan}");
        using var c = new PartitionCluster(4, "flapping", output, plan.Hocon);
        await c.Net.SelfCheckAsync();
        await c.StartAllAsync(Generous);
        int[] pair = [1, 2], rest = [0, 3];
        var ids = Enumerable.Range(0, 4).Select(c.Member).ToList();
        var viewsBefore = c.Log(0).Views.Count();

        var timeline = new Timeline(c, output);
        if (plan.Hold is { } hold) c.Net.Cut(hold.A, hold.B);
        for (var k = 0; k < plan.Flaps; k++)
        {
            c.Net.Cut(1, 2);
            var probe = k == 0 ? c.Net.ExpectCutAsync((1, 2)) : Task.CompletedTask;
            await timeline.WatchAsync(plan.Cut, $"cut {k + 1}");
            await probe;
            c.Net.Heal(1, 2);
            await timeline.WatchAsync(plan.Heal, $"heal {k + 1}");
        }
        c.Net.HealAll();
        await c.Net.ExpectConnectedAsync(1, 2);
        await c.Net.ExpectConnectedAsync(2, 1);

        // Settled: every host that was not downed runs, has the same latest view as host 0 (of exactly the hosts not
        // downed), and suspects nobody in it; the resolver has nothing left to decide.
        await c.Hosts.EventuallyAsync(() =>
        {
            timeline.Poll("settling");
            var downed = Enumerable.Range(0, 4).Where(i => c.Downed(i, out _)).ToHashSet();
            var up = Enumerable.Range(0, 4).Where(i => !downed.Contains(i)).ToList();
            return up.All(i => !c[i].HasExited && c.HasView(i, up.Select(j => ids[j])) && !timeline.Suspects(i, up));
        }, Generous, "the hosts settle after the flapping");
        timeline.Poll("settled");

        foreach (var i in rest)
        {
            Assert.False(c.Downed(i, out var how), $"host {i} reaches everyone and was downed: {how}");
            Assert.All(c.Log(i).Views.Skip(i == 0 ? viewsBefore : 0), v => Assert.True(rest.All(r => v.Members.Contains(ids[r])), $"view {v.ViewId} lacks host 0 or 3"));
        }
        var running = Enumerable.Range(0, 4).Where(i => !c.Downed(i, out _)).ToList();
        var delivered = running.Select(i => c.Log(i).Deliveries.Count).ToList();
        await c.Hosts.EventuallyAsync(() => running.Select((i, k) => c.Log(i).Deliveries.Count > delivered[k] + 20).All(x => x), Generous, "the running hosts go on");
        await c.QuiesceAsync(running, Generous);
        Assert.Empty(c.Check(checkValidity: true));
        output.WriteLine($"outcome: running hosts {string.Join(",", running)}; downed {string.Join(",", pair.Except(running))}; views at host 0 after the first cut {c.Log(0).Views.Count() - viewsBefore}");
        c.Passed();
    }

    private void PrintHowDowned(PartitionCluster c, IEnumerable<int> hosts)
    {
        foreach (var i in hosts)
        {
            c.Downed(i, out var how);
            output.WriteLine($"host {i} downed: {how}");
        }
    }

    /// <summary>How the link flaps: <see cref="Flaps"/> times cut for <see cref="Cut"/>, then healed for <see cref="Heal"/>.</summary>
    private sealed record FlapPlan(TimeSpan Cut, TimeSpan Heal, int Flaps, string[] Hocon, (int A, int B)? Hold = null)
    {
        public static FlapPlan FromEnvironment()
        {
            // The file's failure detector (5 s pause) sees no 4 s cut at all, and a cut of 7 s or more leaves the link dead
            // after the heal (TCP's retransmission back-off outlasts the next heal): measured, docs/protocol.md. A 3 s pause
            // and 5 s cuts make every cut a suspicion and every heal a recovery, under the file's resolver settings.
            var plan = new FlapPlan(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), 4, ["akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s"]);
            foreach (var part in (Environment.GetEnvironmentVariable("ACTORCAUSAL_FLAP") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = part.Split('=');
                if (kv[0].Trim() == "hold")
                {
                    var ab = kv[1].Split('-');
                    plan = plan with { Hold = (int.Parse(ab[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ab[1], System.Globalization.CultureInfo.InvariantCulture)) };
                    continue;
                }
                var value = double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
                plan = kv[0].Trim() switch
                {
                    "cut" => plan with { Cut = TimeSpan.FromSeconds(value) },
                    "heal" => plan with { Heal = TimeSpan.FromSeconds(value) },
                    "flaps" => plan with { Flaps = (int)value },
                    _ => throw new ArgumentException($"ACTORCAUSAL_FLAP: unknown key {kv[0]}"),
                };
            }
            return Environment.GetEnvironmentVariable("ACTORCAUSAL_FLAP_HOCON") is { Length: > 0 } hocon
                ? plan with { Hocon = hocon.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) }
                : plan;
        }

        public override string ToString() => $"{Flaps} flaps of a {Cut.TotalSeconds} s cut and a {Heal.TotalSeconds} s heal{(Hold is { } h ? $", {h.A}-{h.B} cut throughout" : "")}; settings: {(Hocon.Length == 0 ? "as shipped" : string.Join("; ", Hocon))}";
    }

    /// <summary>What the hosts' logs show as it happens (suspicions, views, stops), with seconds since the first cut; cheap enough to poll every second.</summary>
    private sealed class Timeline(PartitionCluster c, ITestOutputHelper output)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Dictionary<(int Host, string Ev), int> _seen = new();
        private readonly Dictionary<int, string[]> _lines = new();

        public async Task WatchAsync(TimeSpan span, string phase)
        {
            var end = _clock.Elapsed + span;
            Poll(phase);
            while (_clock.Elapsed < end)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(1, (end - _clock.Elapsed).TotalMilliseconds))));
                Poll(phase);
            }
        }

        public void Poll(string phase)
        {
            for (var i = 0; i < c.Count; i++)
            {
                var lines = ReadEvents(i);
                _lines[i] = lines;
                foreach (var ev in new[] { "suspected", "reachable", "view", "stopped", "shutdown", "failed" })
                {
                    var n = lines.Count(l => l.Contains($"\"ev\":\"{ev}\"", StringComparison.Ordinal));
                    var before = _seen.GetValueOrDefault((i, ev));
                    if (n > before) output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s [{phase}] host {i}: {n - before} x {ev}{(ev is "view" or "stopped" or "shutdown" ? ": " + Last(lines, ev) : "")}");
                    _seen[(i, ev)] = n;
                }
            }
        }

        /// <summary>Whether host <paramref name="i"/>'s last word on some host of <paramref name="up"/> is a suspicion.</summary>
        public bool Suspects(int i, IEnumerable<int> up)
        {
            var lines = _lines.GetValueOrDefault(i) ?? ReadEvents(i);
            return up.Where(j => j != i).Select(j => c.Member(j).ToString()).Any(m =>
                lines.LastOrDefault(l => l.Contains(m, StringComparison.Ordinal) && (l.Contains("\"suspected\"", StringComparison.Ordinal) || l.Contains("\"reachable\"", StringComparison.Ordinal)))
                    ?.Contains("\"suspected\"", StringComparison.Ordinal) == true);
        }

        private string[] ReadEvents(int i)
        {
            using var stream = new FileStream(c[i].LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            // Only the membership lines, not the deliveries (cheap to keep).
            return reader.ReadToEnd().Split('\n').Where(l => !l.Contains("\"ev\":\"deliver\"", StringComparison.Ordinal) && !l.Contains("\"ev\":\"send\"", StringComparison.Ordinal)).ToArray();
        }

        private static string Last(string[] lines, string ev)
        {
            var line = lines.Last(l => l.Contains($"\"ev\":\"{ev}\"", StringComparison.Ordinal));
            return line.Length > 160 ? line[..160] + "..." : line;
        }
    }
}
