namespace ActorCausal.Simulation;

/// <summary>
/// The link between two members (<see cref="First"/>, <see cref="Second"/>; slots or <see cref="MemberRef.Any"/>) breaks
/// both ways while both still reach everyone else. The resolver's leader (or, half the time, one of the two) decides
/// <c>DownIndirectlyConnected</c> and downs both.
/// </summary>
public sealed record IndirectFault(long AtMs, int First = MemberRef.Any, int Second = MemberRef.Any) : FaultStep(AtMs)
{
    /// <summary>The generator's indirect episode: any pair.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) => [new IndirectFault(at)];
}

// Indirectly connected members, as Akka's split-brain resolver handles them (DowningStrategy.IndirectlyConnected): the
// link between x and y breaks both ways while both reach everyone else. x records y unreachable and y records x, so both
// are observers and subjects of unreachability, and every leader's decision is DownIndirectlyConnected {x, y}. The leader
// (the oldest other member; half the time x itself, when x is the leader) downs them one MemberDowned at a time (itself
// last); everyone else gets both in one gossip diff (address order), and the leader removes them once converged.
internal sealed partial class Simulator
{
    private sealed class IndirectFaults(Simulator sim) : IFault
    {
        public bool Applies(FaultStep step) => step is IndirectFault;
        public string Describe(FaultStep step) => "indirectly connected pair";
        public StepOutcome Step(FaultStep step, out string? why) => sim.TryIndirect((IndirectFault)step, out why);
    }

    private StepOutcome TryIndirect(IndirectFault fault, out string? why)
    {
        why = null;
        var x = Resolve(fault.First, forFailure: true);
        if (x < 0)
        {
            why = "no member can be downed without breaking the majority";
            return StepOutcome.Retry;
        }
        var candidates = new List<int>();
        for (var s = 0; s < _members.Count; s++)
        {
            if (s == x || !IsActiveMember(s) || (fault.Second >= 0 && s != fault.Second) || !CanFail([x, s])) continue;
            candidates.Add(s);
        }
        if (candidates.Count == 0)
        {
            why = $"no second member can be downed with {_ids[x]} without breaking the majority";
            return StepOutcome.Retry;
        }
        var y = candidates[_resolver.NextInt(candidates.Count)];
        var others = Enumerable.Range(0, _members.Count).Where(s => s != x && s != y && !_slots[s].Gone && !_slots[s].Stopped).ToList();
        var leader = others.FirstOrDefault(IsActiveMember, -1);
        if (leader < 0)
        {
            why = "no leader outside the pair";
            return StepOutcome.Retry;
        }
        _indirect++;
        _slots[x].Excluded = true;
        _slots[y].Excluded = true;
        _net.CutBy(x, y, _now);
        _net.CutBy(y, x, _now);
        Log(new IndirectLinkBroken(_ids[x], _ids[y]));
        Hash(0x1D1C);

        var d1 = _resolver.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
        var d2 = _resolver.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
        ScheduleNotify(_now + d1, x, NotifyKind.Suspected, y);
        ScheduleNotify(_now + d2, y, NotifyKind.Suspected, x);
        var decision = _now + Math.Max(d1, d2) + _resolver.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);

        var decider = _resolver.Chance(0.5) ? x : leader;
        var pair = new[] { x, y }.OrderBy(s => _ids[s].Address, StringComparer.Ordinal).ThenBy(s => _ids[s].Incarnation).ToArray();
        var t = decision;
        foreach (var s in pair.Where(s => s != decider)) ScheduleNotify(t++, decider, NotifyKind.Downed, s);
        if (pair.Contains(decider)) ScheduleNotify(t, decider, NotifyKind.Downed, decider);
        foreach (var z in others.Append(x).Append(y))
        {
            if (z == decider) continue;
            var heard = t + _resolver.NextInt(1, Math.Max(1, Timing.SpreadMs));
            foreach (var s in pair) ScheduleNotify(heard, z, NotifyKind.Downed, s);
        }
        var lastRemoved = t;
        foreach (var z in others)
        {
            var removedAt = t + Timing.SpreadMs + Convergence();
            lastRemoved = Math.Max(lastRemoved, removedAt);
            foreach (var s in pair) ScheduleNotify(removedAt, z, NotifyKind.Removed, s);
        }
        _failures.Add((x, decision, lastRemoved));
        _failures.Add((y, decision, lastRemoved));
        return StepOutcome.Done;
    }
}
