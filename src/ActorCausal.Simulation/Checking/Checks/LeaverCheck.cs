using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 6 for a member that left gracefully after view v: it delivered, in v, exactly the messages that a member
/// passing from v to the next view delivered in v (the leaver applied the same commit). A member that leaves and joins
/// again is one history per incarnation, so every incarnation is checked.
/// </summary>
public sealed class LeaverCheck : IInvariantCheck
{
    public string Name => "leaver delivers its last view";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var member = index.Members[p];
            if (index.Fates[p] != InvariantChecker.Fate.Left || member.Views.Count == 0) continue;
            var last = member.Views[^1];
            HashSet<MessageId>? passed = null;
            var witness = -1;
            for (var q = 0; q < index.Count && passed is null; q++)
            {
                if (q == p || !index.Members[q].Transitions.Any(t => t.From == last)) continue;
                passed = index.Members[q].DeliveredByView.TryGetValue(last, out var l) ? [.. l] : [];
                witness = q;
            }
            if (passed is null) continue;
            var mine = member.DeliveredByView.TryGetValue(last, out var own) ? own.ToHashSet() : [];
            foreach (var id in passed.Where(id => !mine.Contains(id)).Take(3))
                yield return new InvariantViolation(ViolationKind.VirtualSynchrony, index.MemberAt(p), [id],
                    $"left after view {last} without delivering {id}, which {index.MemberAt(witness)} delivered in view {last} before passing to the next view");
            foreach (var id in mine.Where(id => !passed.Contains(id)).Take(3))
                yield return new InvariantViolation(ViolationKind.VirtualSynchrony, index.MemberAt(p), [id],
                    $"left after view {last} having delivered {id}, which {index.MemberAt(witness)} did not deliver in view {last} before passing to the next view");
        }
    }
}
