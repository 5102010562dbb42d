using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>
/// "One view per group name once the cluster is stable": at the end of a run whose cluster settled (every node Up, links
/// healed, nothing pending), every member that is still live (never stopped, never crashed) has installed one and the same
/// last view, and that view holds exactly the live members. Two groups of one name that never merged, a member left
/// joining, or a view that still names a member that stopped all break it. Histories of every group of the name go in
/// together (merges make one group of several).
/// </summary>
public static class OneViewPerNameChecker
{
    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var live = new List<(MemberId Member, ViewEvent? Last)>();
        foreach (var h in histories)
        {
            if (h.Events.Any(e => e is StopEvent or CrashEvent or FailedEvent)) continue;
            live.Add((h.Member, h.Events.OfType<ViewEvent>().LastOrDefault()));
        }
        var violations = new List<InvariantViolation>();
        if (live.Count == 0) return violations;
        foreach (var (member, last) in live.Where(l => l.Last is null))
            violations.Add(new InvariantViolation(ViolationKind.OneViewPerName, member, [], "a live member never installed a view: it is still joining"));
        var views = live.Where(l => l.Last is not null).GroupBy(l => Describe(l.Last!)).ToList();
        if (views.Count > 1)
        {
            var text = string.Join(" | ", views.Select(g => $"{g.Key} at {string.Join(",", g.Select(x => x.Member))}"));
            violations.Add(new InvariantViolation(ViolationKind.OneViewPerName, views[0].First().Member, [], $"{views.Count} last views among the live members: {text}"));
            return violations;
        }
        if (views.Count == 1)
        {
            var view = views[0].First().Last!;
            var liveSet = live.Select(l => l.Member).ToHashSet();
            var missing = liveSet.Where(m => !view.Members.Contains(m)).ToList();
            var extra = view.Members.Where(m => !liveSet.Contains(m)).ToList();
            if (missing.Count > 0 || extra.Count > 0)
                violations.Add(new InvariantViolation(ViolationKind.OneViewPerName, view.Members[0], [],
                    $"the one last view {Describe(view)} lacks live members [{string.Join(", ", missing)}] or names stopped ones [{string.Join(", ", extra)}]"));
        }
        return violations;
    }

    private static string Describe(ViewEvent v) => $"view {v.ViewId} [{string.Join(", ", v.Members)}]";

    /// <summary>Splits histories into groups: members that installed an identical view (id and members) are of one group.</summary>
    public static IReadOnlyList<ImmutableArray<MemberHistory>> Lineages(IReadOnlyList<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var parent = Enumerable.Range(0, histories.Count).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        var firstWithView = new Dictionary<string, int>();
        for (var i = 0; i < histories.Count; i++)
        {
            foreach (var v in histories[i].Events.OfType<ViewEvent>())
            {
                var key = Describe(v);
                if (firstWithView.TryGetValue(key, out var j)) parent[Find(i)] = Find(j);
                else firstWithView[key] = i;
            }
        }
        return Enumerable.Range(0, histories.Count).GroupBy(Find).Select(g => g.Select(i => histories[i]).ToImmutableArray()).ToList();
    }
}
