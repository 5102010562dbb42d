namespace ActorCausal.Simulation;

/// <summary><see cref="Member"/> crashes, is removed, and its address comes back as a new incarnation that joins.</summary>
public sealed record RestartFault(long AtMs, int Member = MemberRef.Any) : FaultStep(AtMs)
{
    /// <summary>The generator's restart episode: of the coordinator 25% of the time.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) => [new RestartFault(at, random.Chance(0.25) ? MemberRef.Coordinator : MemberRef.Any)];
}

// A restart: a crash, and once the others removed the old incarnation, a new one at the same address asks to join.
internal sealed class RestartFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is RestartFault;
    public string Describe(FaultStep step) => $"restart of {MemberRef.Format(((RestartFault)step).Member)}";
    public StepOutcome Step(FaultStep step, out string? why) => TryRestart((RestartFault)step, out why);

    private StepOutcome TryRestart(RestartFault r, out string? why)
    {
        why = null;
        var victim = oracle.Resolve(r.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can crash without breaking the majority ({MemberRef.Format(r.Member)})";
            return StepOutcome.Retry;
        }
        if (!oracle.CanJoin)
        {
            why = "this simulation has no joiner factory";
            return StepOutcome.Skip;
        }
        oracle.DoCrash(new MembershipOracle.CrashSpec(victim, CrashCause.BeforeRestart, "crash before restart", FollowUp.None, 0, 0, Restart: true, Grace: true));
        return StepOutcome.Done;
    }
}
