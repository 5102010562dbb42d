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
internal sealed partial class Simulator
{
    /// <summary>A staggered cut whose last links have not broken yet.</summary>
    private (List<int> Minority, List<int> Majority)? _lateSplit;

    private sealed class PartitionFaults(Simulator sim) : IFault
    {
        public bool Applies(FaultStep step) => step is PartitionFault;
        public string Describe(FaultStep step) => step switch
        {
            PartitionFault { MinorityDownsAll: true } => "partition whose minority downs all",
            PartitionFault { StaggerMs: > 0 } p => $"partition reaching the minority's members {p.StaggerMs} ms apart",
            _ => "partition",
        };
        public StepOutcome Step(FaultStep step, out string? why) => sim.TryPartition((PartitionFault)step, out why);
    }

    private StepOutcome TryPartition(PartitionFault p, out string? why)
    {
        why = null;
        var live = new List<int>();
        GroupView? view = null;
        for (var s = 0; s < _members.Count; s++)
        {
            var st = _slots[s];
            if (st.Gone || st.Stopped) continue;
            if (st.Joining || st.Failing)
            {
                why = $"{_ids[s]} is {(st.Joining ? "joining" : "failing")}";
                return StepOutcome.Retry;
            }
            if (view is not null && st.View!.Id != view.Id)
            {
                why = "members are in different views";
                return StepOutcome.Retry;
            }
            if (_members[s].Phase != MemberPhase.Normal)
            {
                why = $"{_ids[s]} is {_members[s].Phase}";
                return StepOutcome.Retry;
            }
            view = st.View;
            live.Add(s);
        }
        if (view is null || live.Count < 3 || live.Count != view.Size || _triggers.Count > 0)
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
            var k = p.MinoritySize > 0 ? p.MinoritySize : 1 + _oracle.NextInt(maxMinority);
            var pool = live.ToList();
            minority = new List<int>();
            while (minority.Count < k && pool.Count > 0)
            {
                var pick = _oracle.NextInt(pool.Count);
                minority.Add(pool[pick]);
                pool.RemoveAt(pick);
            }
            minority.Sort();
        }
        if (minority.Count < 1 || minority.Count > maxMinority || !CanFail(minority))
        {
            why = $"a minority of {minority.Count} of {live.Count} is not possible";
            return StepOutcome.Retry;
        }
        var majority = live.Where(s => !minority.Contains(s)).ToList();

        _partitions++;
        _partitionActive = true;
        Dictionary<int, long>? late = null;
        if (p.StaggerMs > 0 && minority.Count > 1) late = minority.Skip(1).ToDictionary(x => x, _ => _now + p.StaggerMs);
        _net.Split(minority, late);
        foreach (var s in minority) _slots[s].Minority = true;
        if (late is null)
        {
            RecordSplit(minority, majority);
        }
        else
        {
            _lateSplit = (minority, majority);
            ScheduleFault(_now + p.StaggerMs, new SimEvent(EventKind.SplitComplete, -1, -1, null, -1));
        }
        Hash(0x5917);

        long maxDetect = 0;
        foreach (var a in minority)
        {
            var cutAt = late is not null && late.TryGetValue(a, out var lateAt) ? lateAt - _now : 0;
            foreach (var b in majority)
            {
                var d1 = cutAt + _oracle.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
                var d2 = cutAt + _oracle.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
                maxDetect = Math.Max(maxDetect, Math.Max(d1, d2));
                ScheduleNotify(_now + d1, a, NotifyKind.Suspected, b);
                ScheduleNotify(_now + d2, b, NotifyKind.Suspected, a);
            }
        }
        var decision = _now + maxDetect + _oracle.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);
        foreach (var b in majority)
        {
            foreach (var a in minority)
            {
                var at = decision + _oracle.NextInt(0, Timing.SpreadMs);
                ScheduleNotify(at, b, NotifyKind.Downed, a);
                ScheduleNotify(at + Convergence(), b, NotifyKind.Removed, a);
            }
        }
        var minorityDecision = new long[minority.Count];
        for (var k = 0; k < minority.Count; k++) minorityDecision[k] = decision + _oracle.NextInt(0, Timing.SpreadMs);
        if (p.MinorityDownsAll) ScheduleDownAll(minority, minorityDecision);
        else ScheduleMinorityDownsItself(minority, minorityDecision[0]);
        ScheduleFault(decision + Timing.SpreadMs + _oracle.NextInt(Timing.HealAfterMinMs, Timing.HealAfterMaxMs), new SimEvent(EventKind.Heal, -1, -1, null, -1));
        return StepOutcome.Done;
    }

    /// <summary>
    /// The split is complete (every link across it broken): from here on, a message sent on one side must not be
    /// delivered on the other (the partition rule's event in every history). A staggered cut completes when its last link breaks.
    /// </summary>
    private void RecordSplit(List<int> minority, List<int> majority)
    {
        var split = new PartitionEvent(_partitionEvents.Count + 1, minority.Select(s => _ids[s]).ToImmutableArray(), majority.Select(s => _ids[s]).ToImmutableArray()) { TimeMs = _now };
        _partitionEvents.Add(split);
        for (var s = 0; s < _members.Count; s++)
        {
            if (!_slots[s].Gone) _history[s].Add(split);
        }
        Log(new PartitionStarted(split.Number, split.Minority, split.Majority));
    }

    /// <summary>The last links of a staggered cut broke.</summary>
    private void CompleteLateSplit()
    {
        if (_lateSplit is not { } pending) return;
        _lateSplit = null;
        RecordSplit(pending.Minority, pending.Majority);
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
        foreach (var a in minority.Where(a => a != leader)) ScheduleNotify(t++, leader, NotifyKind.Downed, a);
        ScheduleNotify(t, leader, NotifyKind.Downed, leader);
        foreach (var a in minority.Where(a => a != leader))
        {
            var heard = t + _resolver.NextInt(1, Math.Max(1, Timing.SpreadMs));
            foreach (var x in minority) ScheduleNotify(heard, a, NotifyKind.Downed, x);
        }
    }

    /// <summary>The links of the split heal; fault steps held back while it lasted may run again.</summary>
    private void HealPartition()
    {
        _net.Heal();
        _partitionActive = false;
        Log(new PartitionHealed());
    }
}
