using System.Collections.Immutable;

namespace ActorCausal.Simulation;

/// <summary>Which membership faults a schedule may contain (<c>--faults</c>).</summary>
[Flags]
public enum FaultKinds
{
    None = 0,
    /// <summary>A member crashes (sometimes right after a broadcast that reached only some members, sometimes followed by a second crash: after the first removal or mid-flush, or of the flushing coordinator).</summary>
    Crash = 1,
    /// <summary>A new member starts outside the group and asks to join.</summary>
    Join = 2,
    /// <summary>A member leaves gracefully.</summary>
    Leave = 4,
    /// <summary>Some members wrongly suspect a member and later see it reachable again: no removal.</summary>
    Suspect = 8,
    /// <summary>The network splits into a minority and a majority of the view; the minority is downed, the links heal later.</summary>
    Partition = 16,
    /// <summary>A member crashes, is removed, and comes back at the same address as a new incarnation that joins.</summary>
    Restart = 32,
    /// <summary>
    /// A member's process is paused (SIGSTOP) and resumes: briefly (a false suspicion both ways), or after the majority
    /// downed and removed it, when its own resolver downs it alone (keep-majority), downs every peer and then itself
    /// (down-all-when-unstable), or never tells it.
    /// </summary>
    Pause = 64,
    /// <summary>A partition whose minority's resolvers see instability and down every node, peers first and themselves last (DownAll).</summary>
    DownAll = 128,
    /// <summary>The link between two members breaks while both reach the rest; the resolver downs both as indirectly connected.</summary>
    Indirect = 256,
    /// <summary>A member leaves and its node joins the group again at once, as a new incarnation, sometimes several times in a row.</summary>
    Rejoin = 512,
    /// <summary>A partition that reaches the minority's members a moment apart (5-200 ms): the last one cut off may still pass on to the majority what it got from the first (the orphan of issue 13).</summary>
    Stagger = 1024,
    /// <summary>A quarter of the schedules start by founding: concurrent founders, slow members, a start-up partition, merges.</summary>
    Founding = 2048,
    /// <summary>The six kinds the simulator had before the resolver's own decisions were modelled (regression seeds use it).</summary>
    Classic = Crash | Join | Leave | Suspect | Partition | Restart,
    All = Classic | Pause | DownAll | Indirect | Rejoin | Stagger | Founding,
}

/// <summary>Parses and prints <see cref="FaultKinds"/> as the CLI spells them: <c>none</c>, <c>all</c> or a comma list of <c>crash,join,leave,suspect,partition,restart</c>.</summary>
public static class FaultKindsText
{
    private static readonly (string Name, FaultKinds Kind)[] Names =
    [
        ("crash", FaultKinds.Crash), ("join", FaultKinds.Join), ("leave", FaultKinds.Leave),
        ("suspect", FaultKinds.Suspect), ("partition", FaultKinds.Partition), ("restart", FaultKinds.Restart),
        ("pause", FaultKinds.Pause), ("downall", FaultKinds.DownAll), ("indirect", FaultKinds.Indirect), ("rejoin", FaultKinds.Rejoin),
        ("stagger", FaultKinds.Stagger), ("founding", FaultKinds.Founding),
    ];

    public static bool TryParse(string? text, out FaultKinds kinds, out string? error)
    {
        kinds = FaultKinds.None;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--faults needs a value: none, all, or a comma list of crash, join, leave, suspect, partition, restart, pause, downall, indirect, rejoin, stagger, founding.";
            return false;
        }
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim().ToLowerInvariant();
            switch (part)
            {
                case "none":
                    continue;
                case "all":
                    kinds |= FaultKinds.All;
                    continue;
                case "classic":
                    kinds |= FaultKinds.Classic;
                    continue;
            }
            var found = Array.FindIndex(Names, n => n.Name == part);
            if (found < 0)
            {
                error = $"Unknown fault '{raw.Trim()}': use none, all, or a comma list of crash, join, leave, suspect, partition, restart, pause, downall, indirect, rejoin, stagger, founding.";
                return false;
            }
            kinds |= Names[found].Kind;
        }
        return true;
    }

    public static string Format(FaultKinds kinds)
    {
        if (kinds == FaultKinds.None) return "none";
        if (kinds == FaultKinds.All) return "all";
        if (kinds == FaultKinds.Classic) return "classic";
        return string.Join(",", Names.Where(n => (kinds & n.Kind) != 0).Select(n => n.Name));
    }
}

/// <summary>How the simulated Akka cluster reacts in virtual time (failure detector, split-brain resolver, gossip spread).</summary>
public sealed record FaultTiming
{
    /// <summary>Each live member sees a crashed or cut-off member unreachable (Suspected) after a delay uniform in this range.</summary>
    public int DetectionMinMs { get; init; } = 40;
    public int DetectionMaxMs { get; init; } = 120;

    /// <summary>The split-brain resolver's stable-after: removal (or downing) this long after the last member saw the suspicion, one draw per fault.</summary>
    public int StableAfterMinMs { get; init; } = 150;
    public int StableAfterMaxMs { get; init; } = 400;

    /// <summary>Members learn a removal, a downing or a join request this much apart at most (gossip).</summary>
    public int SpreadMs { get; init; } = 20;

    /// <summary>A false suspicion lasts this long at each observer; always shorter than the stable-after, so it removes no one.</summary>
    public int FalseSuspicionMinMs { get; init; } = 20;
    public int FalseSuspicionMaxMs { get; init; } = 120;

    /// <summary>
    /// The leader of the side that goes on removes a downed member (MemberRemoved) this long after it saw it downed:
    /// gossip convergence plus leader-actions-interval.
    /// </summary>
    public int ConvergenceMinMs { get; init; } = 10;
    public int ConvergenceMaxMs { get; init; } = 80;

    /// <summary>Links of a split heal this long after the resolver's decision.</summary>
    public int HealAfterMinMs { get; init; } = 200;
    public int HealAfterMaxMs { get; init; } = 1_000;

    /// <summary>A restarted member starts again this long after the last member saw its old incarnation removed.</summary>
    public int RestartDelayMinMs { get; init; } = 50;
    public int RestartDelayMaxMs { get; init; } = 300;

    /// <summary>A member that left the group shuts its node down (the others see it removed) with this probability, this long after it stopped.</summary>
    public double ExitAfterLeaveProbability { get; init; } = 0.5;
    public int ExitAfterLeaveMinMs { get; init; } = 20;
    public int ExitAfterLeaveMaxMs { get; init; } = 100;

    /// <summary>A fault that would break the group's majority waits this long and tries again, this many times, then is skipped.</summary>
    public int RetryMs { get; init; } = 100;
    public int MaxRetries { get; init; } = 30;

    /// <summary>A trigger for a crash mid-flush that has not fired after this long is dropped.</summary>
    public int TriggerLifetimeMs { get; init; } = 3_000;

    public void Validate()
    {
        static void Range(int min, int max, string name)
        {
            if (min < 0 || max < min) throw new ArgumentOutOfRangeException(name, $"{name}: must satisfy 0 <= min <= max.");
        }
        Range(DetectionMinMs, DetectionMaxMs, nameof(DetectionMinMs));
        Range(StableAfterMinMs, StableAfterMaxMs, nameof(StableAfterMinMs));
        Range(FalseSuspicionMinMs, FalseSuspicionMaxMs, nameof(FalseSuspicionMinMs));
        Range(HealAfterMinMs, HealAfterMaxMs, nameof(HealAfterMinMs));
        Range(ConvergenceMinMs, ConvergenceMaxMs, nameof(ConvergenceMinMs));
        Range(RestartDelayMinMs, RestartDelayMaxMs, nameof(RestartDelayMinMs));
        Range(ExitAfterLeaveMinMs, ExitAfterLeaveMaxMs, nameof(ExitAfterLeaveMinMs));
        if (SpreadMs < 0) throw new ArgumentOutOfRangeException(nameof(SpreadMs), SpreadMs, "Must not be negative.");
        if (FalseSuspicionMaxMs >= StableAfterMinMs)
            throw new ArgumentOutOfRangeException(nameof(FalseSuspicionMaxMs), "A false suspicion must heal before the resolver's stable-after.");
        if (!(ExitAfterLeaveProbability >= 0 && ExitAfterLeaveProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(ExitAfterLeaveProbability));
        if (RetryMs <= 0 || MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(RetryMs), "Retry delay must be positive, retries not negative.");
        if (TriggerLifetimeMs <= 0) throw new ArgumentOutOfRangeException(nameof(TriggerLifetimeMs), TriggerLifetimeMs, "Must be positive.");
    }
}

/// <summary>Member references in fault steps: a simulator slot (initial members are slots 0..n-1 = m0..), or one of these.</summary>
public static class MemberRef
{
    /// <summary>The coordinator when the step fires: the oldest live member of the newest view.</summary>
    public const int Coordinator = -1;
    /// <summary>Any member that can fail without breaking the group's majority, picked from the seed.</summary>
    public const int Any = -2;
    /// <summary>As <see cref="Any"/>, but never the coordinator.</summary>
    public const int NotCoordinator = -3;

    public static string Format(int member) => member switch
    {
        Coordinator => "coordinator",
        Any => "any",
        NotCoordinator => "non-coordinator",
        _ => $"slot {member}",
    };
}

/// <summary>One scripted or generated fault. Steps that would leave no majority of a current view (or fewer than two correct members) wait and retry, then are skipped.</summary>
public abstract record FaultStep(long AtMs);

/// <summary>Generates a schedule's fault plan from its seed: a few episodes of the enabled kinds at random times.</summary>
public static class FaultPlanGenerator
{
    /// <summary>Every kind, in the order plans name them, with how it draws its steps for an episode (each fault kind's file says).</summary>
    private static readonly (FaultKinds Kind, Func<long, DeterministicRandom, IEnumerable<FaultStep>> Draw)[] Kinds =
    [
        (FaultKinds.Crash, CrashFault.Draw), (FaultKinds.Join, JoinFault.Draw), (FaultKinds.Leave, LeaveFault.Draw),
        (FaultKinds.Suspect, FalseSuspicionFault.Draw), (FaultKinds.Partition, PartitionFault.Draw), (FaultKinds.Restart, RestartFault.Draw),
        (FaultKinds.Pause, PauseFault.Draw), (FaultKinds.DownAll, PartitionFault.DrawDownAll), (FaultKinds.Indirect, IndirectFault.Draw),
        (FaultKinds.Rejoin, RejoinFault.Draw), (FaultKinds.Stagger, PartitionFault.DrawStaggered),
    ];

    public static IReadOnlyList<FaultStep> Generate(SimulationOptions options, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var enabled = Kinds.Select(k => k.Kind).Where(k => (options.Faults & k) != 0).ToArray();
        if (enabled.Length == 0) return Array.Empty<FaultStep>();

        // With every kind enabled, each schedule draws its own mix: a random non-empty subset of the kinds.
        if (enabled.Length > 1 && random.Chance(0.5))
        {
            var subset = enabled.Where(_ => random.Chance(0.5)).ToArray();
            if (subset.Length > 0) enabled = subset;
        }

        var period = Math.Max(1, (long)Math.Ceiling(options.Messages * options.MeanBroadcastGapMs));
        var episodes = 1 + random.NextInt(Math.Max(1, options.MaxFaultEpisodes));
        var steps = new List<FaultStep>();
        var partitioned = false;
        for (var e = 0; e < episodes; e++)
        {
            var kind = enabled[random.NextInt(enabled.Length)];
            var at = 20 + (long)(random.NextDouble() * (period + 300));
            if (kind is FaultKinds.Partition or FaultKinds.DownAll or FaultKinds.Stagger && partitioned) kind = (options.Faults & FaultKinds.Crash) != 0 ? FaultKinds.Crash : FaultKinds.Suspect;
            if (kind is FaultKinds.Partition or FaultKinds.DownAll or FaultKinds.Stagger) partitioned = true;
            steps.AddRange(Kinds.Single(k => k.Kind == kind).Draw(at, random));
        }
        return steps.OrderBy(s => s.AtMs).ToArray();
    }
}
