using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Founding;

/// <summary>
/// How a fault schedule that starts by founding begins (<see cref="FaultKinds.Founding"/>): when each node starts the
/// group (slot k is node k, older nodes first), which nodes stall for a while as on a loaded machine (no tick, nothing
/// read, ticks and announcements late), how announcements are lost and delayed, and an optional start-up partition.
/// Drawn from the seed's founding stream (<see cref="FoundingOptions.ForSeed"/>), so the rest of the schedule keeps its draws.
/// </summary>
internal sealed record FoundingStart(FoundingOptions Options, long[] StartAt, (long From, long Until)?[] Stalls, int[] Side, long HealAt)
{
    /// <summary>The fraction of fault schedules that start by founding.</summary>
    public const double Fraction = 0.25;
    /// <summary>Announcements, acks and NoGroup answers are lost with the schedule's probability until then.</summary>
    public long AnnouncementLossUntilMs => Options.AnnouncementLossUntilMs;

    /// <summary>The founding start of <paramref name="seed"/>, or null when it starts from one founded view.</summary>
    public static FoundingStart? Draw(SimulationOptions options, ulong seed)
    {
        if ((options.Faults & FaultKinds.Founding) == 0 || options.FaultScript is not null || options.Members < 2) return null;
        var random = DeterministicRandom.ForStream(seed, 25);
        if (!random.Chance(Fraction)) return null;
        var o = FoundingOptions.ForSeed(seed, options.Members);
        var n = options.Members;
        var starts = Enumerable.Range(0, n).Select(i => i == 0 ? 0L : random.NextInt(0, o.MaxStartSkewMs)).Order().ToArray();
        var stalls = new (long, long)?[n];
        for (var i = 0; i < n; i++)
        {
            if (!random.Chance(o.StallProbability)) continue;
            var from = random.NextInt(0, o.MaxStartSkewMs + 500);
            stalls[i] = (from, from + random.NextInt(o.MaxStallMs / 2, o.MaxStallMs));
        }
        var side = new int[n];
        long healAt = 0;
        if (o.StartupPartition)
        {
            var cut = 1 + random.NextInt(n - 1);
            foreach (var k in Enumerable.Range(0, n).OrderBy(_ => random.NextUInt64()).Take(cut)) side[k] = 1;
            healAt = random.NextInt(o.HealMinMs, o.HealMaxMs);
        }
        return new FoundingStart(o, starts, stalls, side, healAt);
    }

    /// <summary>The protocol settings of a founding schedule: the founding simulator's join, founding and merge intervals.</summary>
    public GroupMemberSettings Apply(GroupMemberSettings settings) => settings with
    {
        JoinRetryIntervalMs = Options.Settings.JoinRetryIntervalMs,
        FoundingDelayMs = Options.Settings.FoundingDelayMs,
        MergeIntervalMs = Options.Settings.MergeIntervalMs,
    };
}
