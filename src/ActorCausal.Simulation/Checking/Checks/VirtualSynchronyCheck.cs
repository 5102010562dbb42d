using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Invariant 6 (virtual synchrony): members that pass from view v to the same next view delivered the same set of view-v messages.</summary>
public sealed class VirtualSynchronyCheck : IInvariantCheck
{
    public string Name => "virtual synchrony";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        var groups = new SortedDictionary<(long From, long To), List<int>>();
        for (var p = 0; p < index.Count; p++)
        {
            foreach (var t in index.Members[p].Transitions)
            {
                if (!groups.TryGetValue(t, out var list)) groups[t] = list = new List<int>();
                list.Add(p);
            }
        }

        foreach (var ((from, to), members) in groups)
        {
            if (members.Count < 2) continue;
            // The union in first-seen order, with who delivered each.
            var union = new List<MessageId>();
            var by = new Dictionary<MessageId, int>();
            var sets = new Dictionary<int, HashSet<MessageId>>();
            foreach (var p in members)
            {
                var list = index.Members[p].DeliveredByView.TryGetValue(from, out var l) ? l : new List<MessageId>();
                sets[p] = new HashSet<MessageId>(list);
                foreach (var id in list)
                {
                    if (by.TryAdd(id, p)) union.Add(id);
                }
            }
            foreach (var p in members)
            {
                foreach (var id in union)
                {
                    if (!sets[p].Contains(id))
                        yield return new InvariantViolation(ViolationKind.VirtualSynchrony, index.MemberAt(p), [id],
                            $"passed from view {from} to view {to} without delivering {id}, which {index.MemberAt(by[id])} delivered in view {from} before passing to view {to}");
                }
            }
        }
    }
}
