namespace ActorCausal.Simulation;

/// <summary>
/// <see cref="Member"/> leaves the group and its address joins again at once, as a new incarnation of the group member
/// (before the leave has finished), <see cref="Times"/> times in a row, each round <see cref="GapMs"/> after the last.
/// </summary>
public sealed record RejoinFault(long AtMs, int Member = MemberRef.Any, int Times = 1, int GapMs = 0) : FaultStep(AtMs)
{
    /// <summary>The generator's rejoin episode: the coordinator 25% of the time, one to four rounds.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) =>
        [new RejoinFault(at, random.Chance(0.25) ? MemberRef.Coordinator : MemberRef.Any, Times: 1 + random.NextInt(4))];
}

// Leave then join again at once, on the same node: the leaver's address starts a new incarnation of the group member
// that asks to join while the old one is still leaving (the members must not confuse the two; the new incarnation at the
// address tells them the old one is gone). Repeated rounds rejoin the newest incarnation again.
internal sealed class RejoinFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is RejoinFault;
    public string Describe(FaultStep step) => step is RejoinFault r ? $"leave and join again at once of {MemberRef.Format(r.Member)}, {r.Times} times" : step.GetType().Name;
    public StepOutcome Step(FaultStep step, out string? why) => TryRejoin((RejoinFault)step, out why);

    private StepOutcome TryRejoin(RejoinFault fault, out string? why)
    {
        why = null;
        if (!oracle.CanJoin)
        {
            why = "this simulation has no joiner factory";
            return StepOutcome.Skip;
        }
        var victim = oracle.Resolve(fault.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can leave without breaking the majority ({MemberRef.Format(fault.Member)})";
            return StepOutcome.Retry;
        }
        oracle.Counts.Rejoins++;
        oracle.DoLeave(victim);
        var next = oracle.DoJoin(victim, rejoin: true);
        if (fault.Times > 1 && next >= 0)
        {
            var gap = fault.GapMs > 0 ? fault.GapMs : oracle.ResolverRandom.NextInt(0, 200);
            oracle.ScheduleStep(fault with { AtMs = oracle.Now + gap, Member = next, Times = fault.Times - 1 });
        }
        return StepOutcome.Done;
    }
}
