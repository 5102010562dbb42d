namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Virtual synchrony on the side that merges (<see cref="MergeChecker.ClosingViewAgreement"/>): the members that stopped
/// to merge out of one view delivered the same set of that view's messages. Holds in every run (no merge, nothing to check).
/// </summary>
public sealed class MergeClosingViewCheck : IInvariantCheck
{
    public string Name => "merging side closes its view with one set";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options) => MergeChecker.ClosingViewAgreement(index.Histories);
}
