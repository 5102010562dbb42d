using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// No orphans: a causal or total message (or an explicit one) of view v whose sender is not a member of view v + 1 (it
/// crashed, was downed, removed or left) is delivered only by a member that delivers its causal past (or its named
/// dependencies) of view v as well. <see cref="CausalOrderCheck"/> exempts a message lost with every member that held it,
/// because a surviving member's own message may need that (its past can hold such a message through a FIFO or explicit
/// message delivered without its past); a message of a member that leaves the view needs no such exemption: the flush can
/// drop it, and must, or the application sees an effect without its cause.
/// </summary>
/// <remarks>
/// The next view is the view id v + 1 as anyone installed it; a view that nobody succeeded (the end of a run, or a side
/// that closed its view to merge) has no leaving senders to judge. Only predecessors of the same view count: earlier views'
/// messages in the past were carried across (or reached the member through its snapshot).
/// </remarks>
public sealed class OrphanCheck : IInvariantCheck
{
    public string Name => "no orphans";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var member = index.Members[p];
            foreach (var d in member.Deliveries)
            {
                if (!d.Accepted) continue;
                var sent = d.Sent!;
                var view = d.Id.ViewId;
                if (view < member.FirstView || !LeftView(index, sent.Member, view)) continue;
                foreach (var missing in Predecessors(index, sent, view))
                {
                    if (member.Delivered.Contains(missing)) continue;
                    yield return new InvariantViolation(ViolationKind.Orphan, index.MemberAt(p), [missing, d.Id],
                        $"{sent.Order} {d.Id} of {index.MemberAt(sent.Member)}, which left view {view}, delivered without {missing}, which happened-before it and is never delivered here");
                }
            }
        }
    }

    /// <summary>Sender <paramref name="sender"/> is not a member of the view installed after <paramref name="view"/>.</summary>
    private static bool LeftView(HistoryIndex index, int sender, long view) =>
        index.Views.TryGetValue(view + 1, out var next) && !next.Contains(index.MemberAt(sender));

    /// <summary>
    /// The messages of <paramref name="view"/> that a delivery of <paramref name="sent"/> needs: per other sender its
    /// latest send in the causal past (FIFO covers the earlier ones) for causal and total order, the named dependencies
    /// for explicit order, nothing for FIFO.
    /// </summary>
    private static IEnumerable<MessageId> Predecessors(HistoryIndex index, IndexedSend sent, long view)
    {
        switch (sent.Order)
        {
            case DeliveryOrder.Causal or DeliveryOrder.Total:
                var past = sent.PastVector;
                for (var r = 0; r < index.Count; r++)
                {
                    if (r == sent.Member || past[r] == 0) continue;
                    var latest = index.SendsBy[r][past[r] - 1];
                    if (latest.ViewId == view) yield return latest;
                }
                break;
            case DeliveryOrder.Explicit:
                foreach (var dep in sent.DependsOn)
                {
                    if (dep.ViewId == view) yield return dep;
                }
                break;
        }
    }
}
