using System.Net;
using System.Net.Sockets;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Real processes: three tests/ActorCausal.TestHost nodes, each its own OS process on loopback with the hocon/ cluster and
/// split-brain-resolver configs, broadcast causal messages; one is killed with SIGKILL by its pid mid-stream. The other
/// two see it downed, install a view without it, go on delivering, and their delivery logs (JSON lines written by the
/// hosts) agree: the simulator's checker finds no violation (virtual synchrony: the same set of messages per view).
/// </summary>
public sealed class ProcessKillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_host_process_killed_with_sigkill_is_downed_and_the_other_two_go_on_and_agree_on_what_they_delivered()
    {
        const int messages = 400;
        const int more = 50;
        var dir = Directory.CreateTempSubdirectory("actorcausal-processes-").FullName;
        var seedPort = FreePort();
        var common = new[]
        {
            "--group", "procs", "--messages", messages.ToString(), "--interval-ms", "15", "--wait-members", "3",
            "--config", Path.Combine(Repo.Root, "hocon", "cluster-loopback.conf"),
            "--config", Path.Combine(Repo.Root, "hocon", "split-brain-resolver.conf"),
            // More patience than the demo timings: three processes and the test share two cores.
            "--hocon", "akka.cluster.failure-detector.acceptable-heartbeat-pause = 4s",
            "--seed", $"127.0.0.1:{seedPort}",
        };
        var hosts = new List<HostProcess>();
        var passed = false;
        try
        {
            for (var i = 0; i < 3; i++)
                hosts.Add(HostProcess.Start(Path.Combine(dir, $"host{i}.jsonl"), [.. common, "--port", i == 0 ? seedPort.ToString() : "0"]));

            // All three form one view and deliver some of each other's messages.
            await EventuallyAsync(() =>
            {
                var logs = hosts.Select(h => h.ReadLog()).ToList();
                return logs.All(l => l.Member is not null && l.Views.Any(v => v.Members.Length == 3)
                                     && l.Deliveries.Select(d => d.Sender).Distinct().Count() == 3 && l.Deliveries.Count >= 30);
            }, hosts, "three hosts deliver");

            // SIGKILL host 2, by pid, mid-stream.
            var killed = hosts[2];
            var killedId = killed.ReadLog().Member!.Value;
            killed.KillByPid();
            Assert.True(killed.HasExited);
            var killedLog = killed.ReadLog();
            output.WriteLine($"killed {killedId} (pid {killed.Pid}) after it sent {killedLog.Sent} and delivered {killedLog.Deliveries.Count}");
            var survivors = new[] { hosts[0], hosts[1] };

            // The survivors install a view of two without it ...
            await EventuallyAsync(() => survivors.All(h => h.ReadLog().Views.LastOrDefault() is { } v && v.Members.Length == 2 && !v.Members.Contains(killedId)),
                hosts, "a view without the killed host");
            var newView = survivors[0].ReadLog().Views.Last().ViewId;

            // ... and keep delivering in it: each broadcasts more, and both deliver everything the two of them sent.
            foreach (var h in survivors) h.Command($"send {more}");
            await EventuallyAsync(() =>
            {
                var logs = survivors.Select(h => h.ReadLog()).ToList();
                var sentBySurvivors = logs.Sum(l => l.Sent);
                return logs.All(l => l.Sent + l.Refused == messages + more
                                     && l.Views.Last().ViewId == newView
                                     && l.Deliveries.Count(d => d.Sender != killedId) == sentBySurvivors);
            }, hosts, "the survivors finish their streams");

            var final = survivors.Select(h => h.ReadLog()).ToList();
            Assert.All(final, l => Assert.Equal(0, l.Refused));
            Assert.All(final, l => Assert.True(l.Deliveries.Count(d => d.View == newView) >= 2 * more, "delivers in the new view"));
            Assert.All(survivors, h => Assert.False(h.HasExited));

            // The same set of messages per view at both survivors, and the killed host's messages in particular.
            foreach (var view in final[0].Deliveries.Select(d => d.View).Distinct())
            {
                var a = final[0].Deliveries.Where(d => d.View == view).Select(d => d.Id).ToHashSet();
                var b = final[1].Deliveries.Where(d => d.View == view).Select(d => d.Id).ToHashSet();
                if (final[1].Views.Any(v => v.ViewId == view) && final[0].Views.Any(v => v.ViewId == view))
                    Assert.True(a.SetEquals(b), $"both survivors delivered the same messages of view {view}");
            }
            var fromKilled = final.Select(l => l.Deliveries.Where(d => d.Sender == killedId).Select(d => d.Id).ToHashSet()).ToList();
            Assert.True(fromKilled[0].SetEquals(fromKilled[1]));

            // The checker over the three logs (the killed host's ends with a crash).
            var histories = new List<MemberHistory> { final[0].History, final[1].History, killedLog.KilledHistory(final) };
            var violations = InvariantChecker.Check(histories);
            foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
            Assert.Empty(violations);
            output.WriteLine($"survivors: view {newView}, delivered {final[0].Deliveries.Count} and {final[1].Deliveries.Count}, {fromKilled[0].Count} of the killed host's messages");
            passed = true;
        }
        finally
        {
            foreach (var h in hosts) h.Dispose();
            if (passed) Directory.Delete(dir, recursive: true);
            else output.WriteLine($"host logs kept in {dir}");
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Polls the hosts' logs until <paramref name="condition"/> holds; fails with their state and output otherwise.</summary>
    private async Task EventuallyAsync(Func<bool> condition, IReadOnlyList<HostProcess> hosts, string what)
    {
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(condition()), Generous, () =>
        {
            foreach (var h in hosts) output.WriteLine($"--- pid {h.Pid} (exited: {h.HasExited}) output:\n{h.RecentOutput}");
            return Task.FromResult(what + ": " + string.Join("; ", hosts.Select(h =>
            {
                var l = h.ReadLog();
                return $"{l.Member}: exited {h.HasExited}, sent {l.Sent}, refused {l.Refused}, delivered {l.Deliveries.Count}, views [{string.Join(" ", l.Views.Select(v => $"{v.ViewId}:{v.Members.Length}"))}]";
            })));
        });
    }
}
