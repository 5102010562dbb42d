namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Reads the end-of-run facts the simulator recorded (<see cref="RunFacts.End"/>).</summary>
internal static class EndOfRun
{
    /// <summary>The run's outcome, or null when the histories carry no end-of-run facts (logs, hand-built histories).</summary>
    public static RunOutcome? Outcome(HistoryIndex index) =>
        index.Histories.Select(h => h.Facts?.End?.Run).FirstOrDefault(r => r is not null);

    /// <summary>Each member's end state with its index, in history order, for members that have one.</summary>
    public static IEnumerable<(int Member, MemberEndState State)> States(HistoryIndex index)
    {
        for (var p = 0; p < index.Count; p++)
        {
            if (index.Histories[p].Facts?.End is { } end) yield return (p, end);
        }
    }
}
