using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>
/// The network splits <see cref="Minority"/> (slots; null: a random minority of <see cref="MinoritySize"/> members, 0: of
/// random size) from the rest of the view. The resolver downs the minority and the majority removes it; the links heal later.
/// </summary>
public sealed record PartitionFault(long AtMs) : FaultStep(AtMs)
{
    public ImmutableArray<int>? Minority { get; init; }
    public int MinoritySize { get; init; }
    /// <summary>The minority's resolvers see instability and each downs every node it knows, peers first, itself last (DownAll).</summary>
    public bool MinorityDownsAll { get; init; }
    /// <summary>
    /// The cut reaches the first minority member's links at once and the other minority members' links this much later
    /// (0: all at once): as on real processes, where the second node may still pass on what it got from the first.
    /// </summary>
    public int StaggerMs { get; init; }

    /// <summary>The generator's partition episode: a random minority.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) => [new PartitionFault(at)];

    /// <summary>The generator's staggered partition episode: a random minority whose members are cut off 5-200 ms apart.</summary>
    internal static IEnumerable<FaultStep> DrawStaggered(long at, DeterministicRandom random) => [new PartitionFault(at) { StaggerMs = random.NextInt(5, 200) }];

    /// <summary>The generator's down-all episode: a partition whose minority downs all.</summary>
    internal static IEnumerable<FaultStep> DrawDownAll(long at, DeterministicRandom random) => [new PartitionFault(at) { MinorityDownsAll = true }];
}

// A partition: links across the split drop everything; each side suspects the other; the majority downs and then
// removes the minority; on the minority the resolver's leader downs its peers one at a time and itself last (Akka's
// SplitBrainResolver.ActOnDecision), or (MinorityDownsAll) every minority node downs everyone; the links heal later.
internal sealed class PartitionFaults : IFault
{
    private readonly MembershipOracle oracle;
    /// <summary>A staggered cut whose last links have not broken yet.</summary>
    private (List<int> Minority, List<int> Majority)? _lateSplit;

    public PartitionFaults(MembershipOracle oracle)
    {
        this.oracle = oracle;
        oracle.OnEvent(EventKind.Heal, _ => HealPartition());
        oracle.OnEvent(EventKind.SplitComplete, _ => CompleteLateSplit());
    }

    public bool Applies(FaultStep step) => step is PartitionFault;
    public string Describe(FaultStep step) => step switch
    {
        PartitionFault { MinorityDownsAll: true } => "partition whose minority downs all",
        PartitionFault { StaggerMs: > 0 } p => $"partition reaching the minority's members {p.StaggerMs} ms apart",
        _ => "partition",
    };
    public StepOutcome Step(FaultStep step, out string? why) => TryPartition((PartitionFault)step, out why);

    private StepOutcome TryPartition(PartitionFault p, out string? why)
    {
        why = null;
        var live = new List<int>();
        GroupView? view = null;
        for (var s = 0; s < oracle.Members.Count; s++)
        {
            var st = oracle.Slots[s];
            if (st.Gone || st.Stopped) continue;
            if (st.Joining || st.Failing)
            {
                why = $"{oracle.Ids[s]} is {(st.Joining ? "joining" : "failing")}";
                return StepOutcome.Retry;
            }
            if (view is not null && st.View!.Id != view.Id)
            {
                why = "members are in different views";
                return StepOutcome.Retry;
            }
            if (oracle.Members[s].Phase != MemberPhase.Normal)
            {
                why = $"{oracle.Ids[s]} is {oracle.Members[s].Phase}";
                return StepOutcome.Retry;
            }
            view = st.View;
            live.Add(s);
        }
        if (view is null || live.Count < 3 || live.Count != view.Size || oracle.TriggersPending)
        {
            why = "the group is not in one settled view of at least three";
            return StepOutcome.Retry;
        }
        var maxMinority = (live.Count - 1) / 2;
        List<int> minority;
        if (p.Minority is { } chosen)
        {
            minority = chosen.Where(live.Contains).Distinct().ToList();
        }
        else
        {
            var k = p.MinoritySize > 0 ? p.MinoritySize : 1 + oracle.Random.NextInt(maxMinority);
            var pool = live.ToList();
            minority = new List<int>();
            while (minority.Count < k && pool.Count > 0)
            {
                var pick = oracle.Random.NextInt(pool.Count);
                minority.Add(pool[pick]);
                pool.RemoveAt(pick);
            }
            minority.Sort();
        }
        if (minority.Count < 1 || minority.Count > maxMinority || !oracle.CanFail(minority))
        {
            why = $"a minority of {minority.Count} of {live.Count} is not possible";
            return StepOutcome.Retry;
        }
        var majority = live.Where(s => !minority.Contains(s)).ToList();

        oracle.Counts.Partitions++;
        oracle.PartitionActive = true;
        Dictionary<int, long>? late = null;
        if (p.StaggerMs > 0 && minority.Count > 1) late = minority.Skip(1).ToDictionary(x => x, _ => oracle.Now + p.StaggerMs);
        oracle.Net.Split(minority, late);
        foreach (var s in minority) oracle.Slots[s].Minority = true;
        if (late is null)
        {
            oracle.RecordSplit(minority, majority);
        }
        else
        {
            _lateSplit = (minority, majority);
            oracle.ScheduleFault(oracle.Now + p.StaggerMs, new SimEvent(EventKind.SplitComplete, -1, -1, null, -1));
        }
        oracle.Hash(0x5917);

        long maxDetect = 0;
        foreach (var a in minority)
        {
            var cutAt = late is not null && late.TryGetValue(a, out var lateAt) ? lateAt - oracle.Now : 0;
            foreach (var b in majority)
            {
                var d1 = cutAt + oracle.Random.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
                var d2 = cutAt + oracle.Random.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
                maxDetect = Math.Max(maxDetect, Math.Max(d1, d2));
                oracle.ScheduleNotify(oracle.Now + d1, a, MembershipOracle.NotifyKind.Suspected, b);
                oracle.ScheduleNotify(oracle.Now + d2, b, MembershipOracle.NotifyKind.Suspected, a);
            }
        }
        var decision = oracle.Now + maxDetect + oracle.Random.NextInt(oracle.Timing.StableAfterMinMs, oracle.Timing.StableAfterMaxMs);
        foreach (var b in majority)
        {
            foreach (var a in minority)
            {
                var at = decision + oracle.Random.NextInt(0, oracle.Timing.SpreadMs);
                oracle.ScheduleNotify(at, b, MembershipOracle.NotifyKind.Downed, a);
                oracle.ScheduleNotify(at + oracle.Convergence(), b, MembershipOracle.NotifyKind.Removed, a);
            }
        }
        var minorityDecision = new long[minority.Count];
        for (var k = 0; k < minority.Count; k++) minorityDecision[k] = decision + oracle.Random.NextInt(0, oracle.Timing.SpreadMs);
        if (p.MinorityDownsAll) oracle.ScheduleDownAll(minority, minorityDecision);
        else ScheduleMinorityDownsItself(minority, minorityDecision[0]);
        oracle.ScheduleFault(decision + oracle.Timing.SpreadMs + oracle.Random.NextInt(oracle.Timing.HealAfterMinMs, oracle.Timing.HealAfterMaxMs), new SimEvent(EventKind.Heal, -1, -1, null, -1));
        return StepOutcome.Done;
    }

    /// <summary>The last links of a staggered cut broke.</summary>
    private void CompleteLateSplit()
    {
        if (_lateSplit is not { } pending) return;
        _lateSplit = null;
        oracle.RecordSplit(pending.Minority, pending.Majority);
    }

    /// <summary>
    /// Keep-majority on the minority: its leader (the oldest, lowest slot) decides DownReachable and downs its peers one
    /// at a time, itself last; the other minority members get all of them from its gossip in one diff, in address order
    /// (their own among them).
    /// </summary>
    private void ScheduleMinorityDownsItself(List<int> minority, long at)
    {
        var leader = minority[0];
        var t = at;
        foreach (var a in minority.Where(a => a != leader)) oracle.ScheduleNotify(t++, leader, MembershipOracle.NotifyKind.Downed, a);
        oracle.ScheduleNotify(t, leader, MembershipOracle.NotifyKind.Downed, leader);
        foreach (var a in minority.Where(a => a != leader))
        {
            var heard = t + oracle.ResolverRandom.NextInt(1, Math.Max(1, oracle.Timing.SpreadMs));
            foreach (var x in minority) oracle.ScheduleNotify(heard, a, MembershipOracle.NotifyKind.Downed, x);
        }
    }

    /// <summary>The links of the split heal; fault steps held back while it lasted may run again.</summary>
    private void HealPartition()
    {
        oracle.Net.Heal();
        oracle.PartitionActive = false;
        oracle.Log(new PartitionHealed());
    }
}
