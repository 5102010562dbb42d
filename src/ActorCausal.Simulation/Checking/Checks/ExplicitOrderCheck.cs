using ActorCausal.Protocol;
using ActorCausal.Simulation.Founding;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 3b (explicit dependencies): an explicit message is delivered only after each dependency its sender named,
/// or, where the member never delivers that dependency, after its application was handed it in a state: a snapshot (a
/// dependency of this group's views before the member's first view) or another group's state merged into this one
/// (<see cref="MergedStateEvent"/>). A dependency the member delivers must be delivered before. Lost dependencies are
/// exempt, as for causal order.
/// </summary>
public sealed class ExplicitOrderCheck : IInvariantCheck
{
    public string Name => "explicit order";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            var member = index.Members[p];
            var mergedAt = MergedStateAt(index.Histories[p]);
            var deliveredSoFar = new HashSet<MessageId>();
            foreach (var d in member.Deliveries)
            {
                deliveredSoFar.Add(d.Id);
                if (!d.Accepted || d.Sent!.Order != DeliveryOrder.Explicit) continue;
                foreach (var dep in d.Sent.DependsOn)
                {
                    if (deliveredSoFar.Contains(dep) || index.IsLost(dep)) continue;
                    if (!member.Delivered.Contains(dep) && InStateBefore(dep, d.EventIndex, member, mergedAt)) continue;
                    yield return new InvariantViolation(ViolationKind.Explicit, self, [dep, d.Id], $"{d.Id} delivered before its dependency {dep}");
                }
            }
        }
    }

    private static bool InStateBefore(MessageId dep, int eventIndex, MemberIndex member, Dictionary<MessageId, int> mergedAt) =>
        (member.FirstView != long.MinValue && FoundingDriver.SameGroup(dep.ViewId, member.FirstView) && dep.ViewId < member.FirstView)
        || (mergedAt.TryGetValue(dep, out var at) && at < eventIndex);

    /// <summary>Where each message of another group first entered the member's state through a merge.</summary>
    private static Dictionary<MessageId, int> MergedStateAt(MemberHistory history)
    {
        var at = new Dictionary<MessageId, int>();
        for (var k = 0; k < history.Events.Count; k++)
        {
            if (history.Events[k] is not MergedStateEvent merged) continue;
            foreach (var id in merged.State) at.TryAdd(id, k);
        }
        return at;
    }
}
