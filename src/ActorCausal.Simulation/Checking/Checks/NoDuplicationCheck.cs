namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Invariant 1 (no duplication): a member delivers a message at most once.</summary>
public sealed class NoDuplicationCheck : IInvariantCheck
{
    public string Name => "no duplication";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            foreach (var d in index.Members[p].Deliveries)
            {
                if (d.Repeat) yield return new InvariantViolation(ViolationKind.Duplication, index.MemberAt(p), [d.Id], "delivered twice");
            }
        }
    }
}
