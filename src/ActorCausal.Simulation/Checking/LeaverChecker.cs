using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking;

// Invariant: a member delivers every message of every view it is in, also the last one, which it leaves (a member that
// leaves and joins again is one history per incarnation, so a rejoiner's every incarnation is checked).
public sealed partial class InvariantChecker
{
    /// <summary>
    /// A member that left gracefully after view v delivered, in v, exactly the messages that the members passing from v
    /// to the next view delivered in v (the leaver applied the same commit).
    /// </summary>
    private void CheckLeavers(Fate[] fates, MemberFacts[] state, List<InvariantViolation> violations)
    {
        for (var p = 0; p < _histories.Length; p++)
        {
            if (fates[p] != Fate.Left || state[p].Views.Count == 0) continue;
            var last = state[p].Views[^1];
            HashSet<MessageId>? passed = null;
            var witness = -1;
            for (var q = 0; q < _histories.Length && passed is null; q++)
            {
                if (q == p || !state[q].Transitions.Any(t => t.From == last)) continue;
                passed = state[q].DeliveredByView.TryGetValue(last, out var l) ? [.. l] : [];
                witness = q;
            }
            if (passed is null) continue;
            var mine = state[p].DeliveredByView.TryGetValue(last, out var own) ? own.ToHashSet() : [];
            foreach (var id in passed.Where(id => !mine.Contains(id)).Take(3))
                violations.Add(new InvariantViolation(ViolationKind.VirtualSynchrony, _histories[p].Member, [id],
                    $"left after view {last} without delivering {id}, which {_histories[witness].Member} delivered in view {last} before passing to the next view"));
            foreach (var id in mine.Where(id => !passed.Contains(id)).Take(3))
                violations.Add(new InvariantViolation(ViolationKind.VirtualSynchrony, _histories[p].Member, [id],
                    $"left after view {last} having delivered {id}, which {_histories[witness].Member} did not deliver in view {last} before passing to the next view"));
        }
    }
}
