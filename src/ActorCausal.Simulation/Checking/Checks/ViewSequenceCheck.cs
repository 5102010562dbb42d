using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Views over time: a member's view ids strictly increase and each names it; a member that passes from v to w skips no
/// view between them that names it; a member left out of a view never comes back in a later one (a restarted process
/// is a new incarnation).
/// </summary>
public sealed class ViewSequenceCheck : IInvariantCheck
{
    public string Name => "view sequence";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            var events = index.Histories[p].Events;
            var end = index.Members[p].CrashIndex < 0 ? events.Count : index.Members[p].CrashIndex;
            long? current = null;
            for (var k = 0; k < end; k++)
            {
                if (events[k] is not ViewEvent v) continue;
                if (current is { } before && v.ViewId <= before)
                    yield return new InvariantViolation(ViolationKind.View, self, [], $"installed view {v.ViewId} after view {before}: view ids must strictly increase");
                if (!v.Members.Contains(self))
                    yield return new InvariantViolation(ViolationKind.View, self, [], $"installed view {v.ViewId} [{string.Join(", ", v.Members)}], which does not name it");
                current = v.ViewId;
            }
        }

        var views = index.Views;
        if (views.Count == 0) yield break;
        var ordered = views.Keys.Order().ToArray();
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            foreach (var (from, to) in index.Members[p].Transitions)
            {
                foreach (var u in ordered)
                {
                    if (u <= from || u >= to) continue;
                    if (views[u].Contains(self))
                        yield return new InvariantViolation(ViolationKind.View, self, [], $"passed from view {from} to view {to}, skipping view {u}, which names it");
                }
            }
        }

        var seen = new Dictionary<MemberId, (bool Out, long OutAt)>();
        var first = true;
        foreach (var v in ordered)
        {
            var members = views[v];
            foreach (var m in members)
            {
                if (seen.TryGetValue(m, out var s) && s.Out)
                    yield return new InvariantViolation(ViolationKind.View, m, [], $"is in view {v} again after view {s.OutAt} left it out");
                seen[m] = (false, 0);
            }
            if (!first)
            {
                foreach (var m in seen.Keys.ToArray())
                {
                    if (!seen[m].Out && !members.Contains(m)) seen[m] = (true, v);
                }
            }
            first = false;
        }
    }
}
