namespace ActorCausal.Simulation.Checking;

// How to add a check (one rule, one class, as TigerBeetle keeps one small checker per property):
// 1. Add a ViolationKind if no existing kind names the rule (InvariantViolation.cs).
// 2. Write Checks/<Rule>Check.cs: a sealed class implementing IInvariantCheck that reads only the HistoryIndex (add to the
//    index what several checks need; keep what only your rule needs inside your class) and yields its violations in a
//    deterministic order. A check never sees the protocol or the simulator: facts the simulator alone knows are recorded
//    in MemberHistory.Facts (RunFacts.cs) and judged by a check like any other history.
// 3. Add it to InvariantChecker.AllChecks (order there is the order of the report).
// 4. Test it in tests/ActorCausal.Protocol.Tests/Simulation/Checks with a hand-built history that breaks exactly that
//    rule, the expected violation worked out by hand.

/// <summary>One invariant, judged over a shared <see cref="HistoryIndex"/>.</summary>
public interface IInvariantCheck
{
    /// <summary>A short name for reports.</summary>
    string Name { get; }

    /// <summary>The violations of this invariant in <paramref name="index"/>'s histories.</summary>
    IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options);
}
