using System.Collections.Concurrent;
using System.Globalization;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation.Founding;

/// <summary>
/// The <c>sim --founders N</c> part: N start-up schedules (FoundingOptions.ForSeed: 2-5 nodes starting the group up to 2 s
/// apart, announcements lost — all of them in 30% of the schedules — or delayed up to 1.5 s, lost probes, a start-up
/// partition that heals in half of them), each run to a stable cluster and checked. Prints one summary line.
/// </summary>
public static class FoundersCli
{
    /// <summary>Runs the schedules; returns the number of violations.</summary>
    public static long Execute(ulong firstSeed, int schedules, int parallelism, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var inv = CultureInfo.InvariantCulture;
        var results = new ConcurrentBag<FoundingResult>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Parallel.For(0, schedules, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, k =>
        {
            var seed = SimulationRunner.SeedOf(firstSeed, k);
            var r = FoundingSimulator.Run(FoundingOptions.ForSeed(seed), seed);
            results.Add(r with { Histories = [], Applications = [] });
        });
        var ordered = results.OrderBy(r => r.Seed).ToList();
        var violations = ordered.Sum(r => (long)r.Violations.Length);
        var byKind = ordered.SelectMany(r => r.Violations).GroupBy(v => v.Kind).OrderBy(g => g.Key).Select(g => string.Create(inv, $"{g.Key}={g.Count()}"));
        output.WriteLine(string.Create(inv,
            $"founders: {schedules} start-up schedules from seed {firstSeed}: stable={ordered.Count(r => r.Stable)} split-at-start={ordered.Count(r => r.Foundings > 1)} merged-members={ordered.Sum(r => r.MergedMembers)} broadcasts={ordered.Sum(r => r.Broadcasts)} deliveries={ordered.Sum(r => r.Deliveries)} elapsed={started.Elapsed.TotalSeconds:F1}s"));
        if (violations > 0)
        {
            output.WriteLine("founders violations by kind: " + string.Join(" ", byKind));
            var first = ordered.First(r => r.HasViolations);
            foreach (var v in first.Violations.Take(5)) output.WriteLine(string.Create(inv, $"  seed={first.Seed} kind={v.Kind} member={v.Member} {v.Detail.Split('\n')[0]}"));
        }
        output.WriteLine(string.Create(inv, $"founders={schedules} violations={violations}"));
        return violations;
    }
}
