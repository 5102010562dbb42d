namespace ActorCausal.Simulation;

/// <summary><see cref="Member"/> leaves the group gracefully.</summary>
public sealed record LeaveFault(long AtMs, int Member = MemberRef.Any) : FaultStep(AtMs)
{
    /// <summary>The generator's leave episode: the coordinator 25% of the time.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) => [new LeaveFault(at, random.Chance(0.25) ? MemberRef.Coordinator : MemberRef.Any)];
}

// A graceful leave (DoLeave); half the time the node then shuts down and the others see it removed.
internal sealed class LeaveFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is LeaveFault;
    public string Describe(FaultStep step) => $"leave of {MemberRef.Format(((LeaveFault)step).Member)}";
    public StepOutcome Step(FaultStep step, out string? why) => TryLeave((LeaveFault)step, out why);

    private StepOutcome TryLeave(LeaveFault l, out string? why)
    {
        why = null;
        var victim = oracle.Resolve(l.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can leave without breaking the majority ({MemberRef.Format(l.Member)})";
            return StepOutcome.Retry;
        }
        oracle.DoLeave(victim);
        return StepOutcome.Done;
    }
}
