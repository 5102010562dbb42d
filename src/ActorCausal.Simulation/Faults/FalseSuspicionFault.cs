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
internal sealed partial class Simulator
{
    private sealed class FalseSuspicionFaults(Simulator sim) : IFault
    {
        public bool Applies(FaultStep step) => step is FalseSuspicionFault;
        public string Describe(FaultStep step) => $"false suspicion of {MemberRef.Format(((FalseSuspicionFault)step).Member)}";
        public StepOutcome Step(FaultStep step, out string? why) => sim.TryFalseSuspicion((FalseSuspicionFault)step, out why);
    }

    private StepOutcome TryFalseSuspicion(FalseSuspicionFault f, out string? why)
    {
        why = null;
        var target = Resolve(f.Member, forFailure: false);
        if (target < 0)
        {
            why = "no member to suspect";
            return StepOutcome.Retry;
        }
        var others = Enumerable.Range(0, _members.Count).Where(s => s != target && IsActiveMember(s)).ToList();
        var observers = f.Observers is { } chosen
            ? chosen.Where(s => s >= 0 && s < _members.Count && s != target && IsActiveMember(s)).ToList()
            : RandomSubset(others, allowAll: true);
        if (observers.Count == 0)
        {
            why = "no member to suspect it";
            return StepOutcome.Retry;
        }
        _falseSuspicions++;
        Log(new FalseSuspicion(_ids[target], observers.Select(o => _ids[o]).ToImmutableArray()));
        foreach (var o in observers)
        {
            var at = _now + _oracle.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
            ScheduleNotify(at, o, NotifyKind.Suspected, target);
            ScheduleNotify(at + _oracle.NextInt(Timing.FalseSuspicionMinMs, Timing.FalseSuspicionMaxMs), o, NotifyKind.Reachable, target);
        }
        return StepOutcome.Done;
    }
}
