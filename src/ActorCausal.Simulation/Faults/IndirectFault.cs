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
internal sealed class IndirectFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is IndirectFault;
    public string Describe(FaultStep step) => "indirectly connected pair";
    public StepOutcome Step(FaultStep step, out string? why) => TryIndirect((IndirectFault)step, out why);

    private StepOutcome TryIndirect(IndirectFault fault, out string? why)
    {
        why = null;
        var x = oracle.Resolve(fault.First, forFailure: true);
        if (x < 0)
        {
            why = "no member can be downed without breaking the majority";
            return StepOutcome.Retry;
        }
        var candidates = new List<int>();
        for (var s = 0; s < oracle.Members.Count; s++)
        {
            if (s == x || !oracle.IsActiveMember(s) || (fault.Second >= 0 && s != fault.Second) || !oracle.CanFail([x, s])) continue;
            candidates.Add(s);
        }
        if (candidates.Count == 0)
        {
            why = $"no second member can be downed with {oracle.Ids[x]} without breaking the majority";
            return StepOutcome.Retry;
        }
        var y = candidates[oracle.ResolverRandom.NextInt(candidates.Count)];
        var others = Enumerable.Range(0, oracle.Members.Count).Where(s => s != x && s != y && !oracle.Slots[s].Gone && !oracle.Slots[s].Stopped).ToList();
        var leader = others.FirstOrDefault(oracle.IsActiveMember, -1);
        if (leader < 0)
        {
            why = "no leader outside the pair";
            return StepOutcome.Retry;
        }
        oracle.Counts.Indirect++;
        oracle.Slots[x].Excluded = true;
        oracle.Slots[y].Excluded = true;
        oracle.Net.CutBy(x, y, oracle.Now);
        oracle.Net.CutBy(y, x, oracle.Now);
        oracle.Log(new IndirectLinkBroken(oracle.Ids[x], oracle.Ids[y]));
        oracle.Hash(0x1D1C);

        var d1 = oracle.ResolverRandom.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
        var d2 = oracle.ResolverRandom.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
        oracle.ScheduleNotify(oracle.Now + d1, x, MembershipOracle.NotifyKind.Suspected, y);
        oracle.ScheduleNotify(oracle.Now + d2, y, MembershipOracle.NotifyKind.Suspected, x);
        var decision = oracle.Now + Math.Max(d1, d2) + oracle.ResolverRandom.NextInt(oracle.Timing.StableAfterMinMs, oracle.Timing.StableAfterMaxMs);

        var decider = oracle.ResolverRandom.Chance(0.5) ? x : leader;
        var pair = new[] { x, y }.OrderBy(s => oracle.Ids[s].Address, StringComparer.Ordinal).ThenBy(s => oracle.Ids[s].Incarnation).ToArray();
        var t = decision;
        foreach (var s in pair.Where(s => s != decider)) oracle.ScheduleNotify(t++, decider, MembershipOracle.NotifyKind.Downed, s);
        if (pair.Contains(decider)) oracle.ScheduleNotify(t, decider, MembershipOracle.NotifyKind.Downed, decider);
        foreach (var z in others.Append(x).Append(y))
        {
            if (z == decider) continue;
            var heard = t + oracle.ResolverRandom.NextInt(1, Math.Max(1, oracle.Timing.SpreadMs));
            foreach (var s in pair) oracle.ScheduleNotify(heard, z, MembershipOracle.NotifyKind.Downed, s);
        }
        var lastRemoved = t;
        foreach (var z in others)
        {
            var removedAt = t + oracle.Timing.SpreadMs + oracle.Convergence();
            lastRemoved = Math.Max(lastRemoved, removedAt);
            foreach (var s in pair) oracle.ScheduleNotify(removedAt, z, MembershipOracle.NotifyKind.Removed, s);
        }
        oracle.AddFailure(x, decision, lastRemoved);
        oracle.AddFailure(y, decision, lastRemoved);
        return StepOutcome.Done;
    }
}
