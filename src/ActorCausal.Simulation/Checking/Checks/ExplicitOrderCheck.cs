using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 3b (explicit dependencies): an explicit message is delivered only after each dependency its sender named.
/// Exempt as for causal order: dependencies of views before the member's first view and lost ones.
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
            var deliveredSoFar = new HashSet<MessageId>();
            foreach (var d in member.Deliveries)
            {
                deliveredSoFar.Add(d.Id);
                if (!d.Accepted || d.Sent!.Order != DeliveryOrder.Explicit) continue;
                foreach (var dep in d.Sent.DependsOn)
                {
                    if (dep.ViewId < member.FirstView) continue; // reached this member through its snapshot
                    if (!deliveredSoFar.Contains(dep) && !index.IsLost(dep))
                        yield return new InvariantViolation(ViolationKind.Explicit, self, [dep, d.Id], $"{d.Id} delivered before its dependency {dep}");
                }
            }
        }
    }
}
