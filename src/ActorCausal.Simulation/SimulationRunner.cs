using ActorCausal.Protocol;

namespace ActorCausal.Simulation;

/// <summary>Runs simulated schedules of <see cref="GroupMember"/> groups and checks each with the invariant checker.</summary>
public static class SimulationRunner
{
    /// <summary>Runs one schedule. <paramref name="workload"/>: a fixed workload instead of the generated one.</summary>
    public static ScheduleResult Run(SimulationOptions options, ulong seed, IReadOnlyList<PlannedBroadcast>? workload = null, bool keepHistory = true) =>
        new Simulator(options, seed, workload, GroupMemberAdapter.Factory, GroupMemberAdapter.JoinerFactory).Run(keepHistory);

    /// <summary>Runs one schedule with members from <paramref name="factory"/> (toy protocols in tests).</summary>
    internal static ScheduleResult Run(SimulationOptions options, ulong seed, SimulatedMemberFactory factory, IReadOnlyList<PlannedBroadcast>? workload = null, bool keepHistory = true, SimulatedJoinerFactory? joiners = null) =>
        new Simulator(options, seed, workload, factory, joiners).Run(keepHistory);

    /// <summary>The seed of schedule <paramref name="index"/> of a run that starts at <paramref name="firstSeed"/>.</summary>
    public static ulong SeedOf(ulong firstSeed, int index) => unchecked(firstSeed + (ulong)index);

    /// <summary>
    /// Runs <paramref name="schedules"/> schedules with seeds firstSeed, firstSeed+1, ... in parallel (each schedule is
    /// single-threaded and independent) and returns the results in seed order, without histories.
    /// </summary>
    public static IReadOnlyList<ScheduleResult> RunMany(SimulationOptions options, ulong firstSeed, int schedules, int? maxParallelism = null)
    {
        var results = new List<ScheduleResult>(Math.Max(0, schedules));
        RunMany(options, firstSeed, schedules, results.Add, maxParallelism);
        return results;
    }

    /// <summary>As <see cref="RunMany(SimulationOptions, ulong, int, int?)"/>, handing each result to <paramref name="onResult"/> in seed order, on the calling thread.</summary>
    public static void RunMany(SimulationOptions options, ulong firstSeed, int schedules, Action<ScheduleResult> onResult, int? maxParallelism = null) =>
        RunMany(options, firstSeed, schedules, GroupMemberAdapter.Factory, onResult, maxParallelism, GroupMemberAdapter.JoinerFactory);

    internal static void RunMany(SimulationOptions options, ulong firstSeed, int schedules, SimulatedMemberFactory factory, Action<ScheduleResult> onResult, int? maxParallelism = null, SimulatedJoinerFactory? joiners = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onResult);
        if (schedules < 0) throw new ArgumentOutOfRangeException(nameof(schedules), schedules, "Must not be negative.");
        options.Validate();
        var parallelism = Math.Max(1, maxParallelism ?? Environment.ProcessorCount);
        var chunk = Math.Max(32, parallelism * 16);
        var buffer = new ScheduleResult[chunk];
        for (var start = 0; start < schedules; start += chunk)
        {
            var count = Math.Min(chunk, schedules - start);
            var offset = start;
            if (parallelism == 1)
            {
                for (var k = 0; k < count; k++) buffer[k] = new Simulator(options, SeedOf(firstSeed, offset + k), null, factory, joiners).Run(keepHistory: false);
            }
            else
            {
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                    k => buffer[k] = new Simulator(options, SeedOf(firstSeed, offset + k), null, factory, joiners).Run(keepHistory: false));
            }
            for (var k = 0; k < count; k++)
            {
                onResult(buffer[k]);
                buffer[k] = null!;
            }
        }
    }
}
