using System.Diagnostics;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// The <c>group</c> command: one cluster of <c>--nodes</c> (3 by default) on 127.0.0.1 in this process; each round runs every mode once with the
/// same messages and payload (a new group or topic per run), so the modes are compared under the same machine load.
/// With <c>--check</c> the stream mode's runs are recorded and checked, and the managed heap after a full GC is
/// measured before and after each of them.
/// </summary>
public sealed class GroupBench(GroupBenchOptions options, TextWriter output)
{
    private BenchCluster? _cluster;

    public async Task<int> RunAsync()
    {
        var modes = GroupMode.Named(options.Only);
        output.WriteLine($"{options.Nodes} nodes, {options.Messages:N0} messages of 16 bytes per run (broadcast by the nodes in equal shares), {options.Runs} round(s); window {options.Window} (subscriber, pubsub); {Environment.ProcessorCount} cores{(options.Config is null ? "" : $"; config: {options.Config}")}");
        await using var cluster = _cluster = await BenchCluster.StartAsync(options.Nodes, options.Config);
        if (options.WarmUp)
        {
            foreach (var mode in modes)
            {
                var warm = await mode.RunAsync(cluster, new RunSpec($"warm-{mode.Name}", Math.Min(options.Messages, 15_000), options.Window, Record: false));
                output.WriteLine($"   warm-up {mode.Name}: {Rate(warm):N0} msgs/s{(warm.Complete ? "" : " INCOMPLETE")}");
            }
        }
        var rates = modes.ToDictionary(m => m.Name, _ => new List<double>());
        var failed = false;
        for (var round = 1; round <= options.Runs; round++)
        {
            foreach (var mode in modes)
            {
                var check = options.Check && mode is StreamMode;
                var heapBefore = check ? GC.GetTotalMemory(true) : 0;
                var r = await RunAndCheck(mode, new RunSpec($"{mode.Name}-{round}", options.Messages, options.Window, Record: check));
                rates[mode.Name].Add(Rate(r));
                output.WriteLine($"   round {round} {mode.Name}: {Rate(r):N0} msgs/s ({r.Elapsed.TotalSeconds:F1} s){(r.BackPressureRetries > 0 ? $", back-pressure retries {r.BackPressureRetries}" : "")}" +
                                 $"{(r.Complete ? "" : $" INCOMPLETE: {r.Delivered:N0} of {r.Expected:N0} deliveries")}");
                failed |= !r.Complete || r.Violations > 0;
                if (check)
                {
                    // The histories are gone with RunAndCheck's frame. Let stability gossip run (stability-interval 50 ms)
                    // so that messages delivered everywhere can be freed.
                    await Task.Delay(TimeSpan.FromSeconds(2));
                    var heapAfter = GC.GetTotalMemory(true);
                    output.WriteLine($"   managed heap after a full GC: before the run {heapBefore / 1e6:F1} MB, after {heapAfter / 1e6:F1} MB ({heapAfter / (double)heapBefore:F2}x)");
                }
            }
        }
        Print(modes, rates);
        return failed ? 1 : 0;
    }

    private double Rate(RunOutcome r) => r.Delivered / (double)options.Nodes / r.Elapsed.TotalSeconds;

    /// <summary>Runs <paramref name="mode"/> and checks what it recorded; the outcome comes back without the histories.</summary>
    private async Task<RunOutcome> RunAndCheck(GroupMode mode, RunSpec spec)
    {
        var r = await mode.RunAsync(_cluster!, spec);
        return r.Histories is { } histories ? r with { Histories = null, Violations = Check(histories) } : r;
    }

    private int Check(IReadOnlyList<MemberHistory> histories)
    {
        var events = histories.Sum(h => h.Events.Count);
        var watch = Stopwatch.StartNew();
        var violations = InvariantChecker.Check(histories);
        output.WriteLine($"   checker: {violations.Count} violations over {events:N0} events of what the Sources emitted ({watch.Elapsed.TotalSeconds:F1} s)");
        foreach (var v in violations.Take(20)) output.WriteLine($"     {v}");
        return violations.Count;
    }

    private void Print(IReadOnlyList<GroupMode> modes, Dictionary<string, List<double>> rates)
    {
        double Median(string mode) => rates.TryGetValue(mode, out var xs) && xs.Count > 0 ? xs.Order().ElementAt(xs.Count / 2) : double.NaN;
        string Ratio(string mode, string to) => rates.ContainsKey(to) ? $"{Median(mode) / Median(to):F2}" : "";
        output.WriteLine();
        output.WriteLine($"msgs/s delivered (each message at all {options.Nodes} nodes), median of {options.Runs} and range");
        output.WriteLine("| mode | median msgs/s | range | vs subscriber | vs pubsub |");
        output.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var mode in modes)
        {
            var xs = rates[mode.Name];
            output.WriteLine($"| {mode.Name} | {Median(mode.Name):N0} | {xs.Min():N0}-{xs.Max():N0} | {Ratio(mode.Name, "subscriber")} | {Ratio(mode.Name, "pubsub")} |");
        }
    }
}
