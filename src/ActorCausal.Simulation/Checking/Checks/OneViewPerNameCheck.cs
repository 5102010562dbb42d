namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// "One view per group name once the cluster is stable" (<see cref="OneViewPerNameChecker"/>): judged only with
/// <see cref="CheckerOptions.OneViewPerNameOnceStable"/>, which a run sets when its cluster settled (every node Up, links
/// healed, nothing pending). Give it the histories of every group of the name (merges make one group of several).
/// </summary>
public sealed class OneViewPerNameCheck : IInvariantCheck
{
    public string Name => "one view per group name once stable";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options) =>
        options.OneViewPerNameOnceStable ? OneViewPerNameChecker.Check(index.Histories) : [];
}
