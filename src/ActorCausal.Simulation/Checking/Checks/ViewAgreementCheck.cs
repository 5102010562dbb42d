namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Views: every member that installs a view id installs it with the same members in the same rank order.</summary>
public sealed class ViewAgreementCheck : IInvariantCheck
{
    public string Name => "view agreement";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options) =>
        index.ViewConflicts.Select(c => new InvariantViolation(ViolationKind.View, index.MemberAt(c.Member), [],
            $"installed view {c.Install.ViewId} as [{string.Join(", ", c.Install.Members)}]; {c.FirstBy} installed it as [{string.Join(", ", c.FirstMembers)}]"));
}
