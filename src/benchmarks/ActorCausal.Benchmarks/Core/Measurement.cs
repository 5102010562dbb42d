using System.Diagnostics;

namespace ActorCausal.Benchmarks.Core;

/// <summary>Rates from repeated runs of one measurement; the median is the figure we quote.</summary>
public sealed record Measurement(string Name, string Unit, IReadOnlyList<double> Samples)
{
    public double Median => Stats.Median(Samples);
    public double Min => Samples.Min();
    public double Max => Samples.Max();
}

public static class Stats
{
    public static double Median(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("No samples.", nameof(samples));
        var sorted = samples.OrderBy(x => x).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// Runs <paramref name="setup"/> (untimed) and then <paramref name="timed"/> <paramref name="runs"/> times, after
    /// <paramref name="warmups"/> unrecorded runs; each sample is work units per second.
    /// A full GC runs before every timed run, so garbage of one run is not charged to the next.
    /// </summary>
    public static List<double> RatePerSecond<TState>(int warmups, int runs, Func<TState> setup, Func<TState, long> timed, long expectedUnits)
    {
        var samples = new List<double>(runs);
        for (var i = 0; i < warmups + runs; i++)
        {
            var state = setup();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var start = Stopwatch.GetTimestamp();
            var units = timed(state);
            var elapsed = Stopwatch.GetElapsedTime(start);
            if (units != expectedUnits)
                throw new InvalidOperationException($"A run produced {units} units of work, expected {expectedUnits}.");
            if (i >= warmups) samples.Add(units / elapsed.TotalSeconds);
        }
        return samples;
    }
}
