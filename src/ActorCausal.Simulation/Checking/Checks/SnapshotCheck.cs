using System.Collections.Immutable;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>A joiner's loaded snapshot for view v equals the state of every member that passed into v from the previous view, at its install of v.</summary>
public sealed class SnapshotCheck : IInvariantCheck
{
    public string Name => "snapshot";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var j = 0; j < index.Count; j++)
        {
            foreach (var (viewId, loaded) in index.Members[j].Snapshots)
            {
                for (var q = 0; q < index.Count; q++)
                {
                    if (q == j || !index.Members[q].Transitions.Any(t => t.To == viewId)) continue;
                    if (!index.Members[q].StateAtInstall.TryGetValue(viewId, out var at)) continue;
                    var missing = at.Where(id => !loaded.Contains(id)).Order(MessageIdOrder.Instance).ToArray();
                    var extra = loaded.Where(id => !at.Contains(id)).Order(MessageIdOrder.Instance).ToArray();
                    if (missing.Length == 0 && extra.Length == 0) continue;
                    yield return new InvariantViolation(ViolationKind.Snapshot, index.MemberAt(j), missing.Concat(extra).Take(6).ToImmutableArray(),
                        $"snapshot for view {viewId} ({loaded.Count} messages) differs from the state of {index.MemberAt(q)} at its install of view {viewId} ({at.Count} messages): " +
                        $"{missing.Length} missing [{string.Join(", ", missing.Take(3))}], {extra.Length} extra [{string.Join(", ", extra.Take(3))}]");
                }
            }
        }
    }
}
