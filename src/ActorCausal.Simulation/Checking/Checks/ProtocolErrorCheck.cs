namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>The protocol never throws: a run in which it did is reported once, at the member whose input threw.</summary>
public sealed class ProtocolErrorCheck : IInvariantCheck
{
    public string Name => "protocol error";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        if (EndOfRun.Outcome(index) is { ProtocolError: { } error } run)
            yield return new InvariantViolation(ViolationKind.Crash, run.ErrorMember, [], error);
    }
}
