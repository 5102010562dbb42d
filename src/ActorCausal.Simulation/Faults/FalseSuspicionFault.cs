using System.Collections.Immutable;

namespace ActorCausal.Simulation;

/// <summary><see cref="Observers"/> (slots; null: a random non-empty subset of the others) suspect <see cref="Member"/> for a while; no removal.</summary>
public sealed record FalseSuspicionFault(long AtMs, int Member = MemberRef.Any) : FaultStep(AtMs)
{
    public ImmutableArray<int>? Observers { get; init; }

    /// <summary>The generator's suspicion episode: of the coordinator 25% of the time.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) => [new FalseSuspicionFault(at, random.Chance(0.25) ? MemberRef.Coordinator : MemberRef.Any)];
}

// A false suspicion: some members suspect one for less than the stable-after, then see it reachable: no removal.
internal sealed class FalseSuspicionFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is FalseSuspicionFault;
    public string Describe(FaultStep step) => $"false suspicion of {MemberRef.Format(((FalseSuspicionFault)step).Member)}";
    public StepOutcome Step(FaultStep step, out string? why) => TryFalseSuspicion((FalseSuspicionFault)step, out why);

    private StepOutcome TryFalseSuspicion(FalseSuspicionFault f, out string? why)
    {
        why = null;
        var target = oracle.Resolve(f.Member, forFailure: false);
        if (target < 0)
        {
            why = "no member to suspect";
            return StepOutcome.Retry;
        }
        var others = Enumerable.Range(0, oracle.Members.Count).Where(s => s != target && oracle.IsActiveMember(s)).ToList();
        var observers = f.Observers is { } chosen
            ? chosen.Where(s => s >= 0 && s < oracle.Members.Count && s != target && oracle.IsActiveMember(s)).ToList()
            : oracle.RandomSubset(others, allowAll: true);
        if (observers.Count == 0)
        {
            why = "no member to suspect it";
            return StepOutcome.Retry;
        }
        oracle.Counts.FalseSuspicions++;
        oracle.Log(new FalseSuspicion(oracle.Ids[target], observers.Select(o => oracle.Ids[o]).ToImmutableArray()));
        foreach (var o in observers)
        {
            var at = oracle.Now + oracle.Random.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
            oracle.ScheduleNotify(at, o, MembershipOracle.NotifyKind.Suspected, target);
            oracle.ScheduleNotify(at + oracle.Random.NextInt(oracle.Timing.FalseSuspicionMinMs, oracle.Timing.FalseSuspicionMaxMs), o, MembershipOracle.NotifyKind.Reachable, target);
        }
        return StepOutcome.Done;
    }
}
