namespace ActorCausal.Simulation;

/// <summary>A new member (next free address, incarnation 1) starts outside the group; every live member sees its join request.</summary>
public sealed record JoinFault(long AtMs) : FaultStep(AtMs)
{
    /// <summary>The generator's join episode: one joiner, and 30% of the time a second within 60 ms.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random)
    {
        var steps = new List<FaultStep> { new JoinFault(at) };
        if (random.Chance(0.3)) steps.Add(new JoinFault(at + random.NextInt(60)));
        return steps;
    }
}

// A join: a new member at the next free address starts outside the group and asks to join (DoJoin).
internal sealed class JoinFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is JoinFault;
    public string Describe(FaultStep step) => "join";
    public StepOutcome Step(FaultStep step, out string? why) => TryJoin((JoinFault)step, out why);

    private StepOutcome TryJoin(JoinFault j, out string? why)
    {
        why = null;
        if (!oracle.CanJoin)
        {
            why = "this simulation has no joiner factory";
            return StepOutcome.Skip;
        }
        oracle.DoJoin(-1);
        return StepOutcome.Done;
    }
}
