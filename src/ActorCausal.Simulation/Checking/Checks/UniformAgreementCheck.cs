using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 8, uniform agreement for safe messages (<see cref="DeliveryOrder.SafeCausal"/>, <see cref="DeliveryOrder.SafeTotal"/>):
/// <list type="bullet">
/// <item>if any member delivered a safe message of view v, even one that then crashed, was downed, left or was excluded,
/// every member that passes from v to a later view delivered it, and so did (with <see cref="CheckerOptions.CheckValidity"/>,
/// at the end of a run) every correct member still in v;</item>
/// <item>any two members, correct or not, that both delivered two safe total-order messages delivered them in the same order.</item>
/// </list>
/// Unlike the agreement rules of the other checks, members that did not stay correct count as deliverers. Safe is the
/// <see cref="MessageEvent.Safe"/> flag of a delivery event; histories without safe messages yield nothing.
/// </summary>
public sealed class UniformAgreementCheck : IInvariantCheck
{
    public string Name => "uniform agreement (safe messages)";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        var n = index.Count;
        var facts = new Facts[n];
        for (var p = 0; p < n; p++) facts[p] = Facts.Of(index.Histories[p], index.Fates[p]);

        var firstDeliverer = new Dictionary<MessageId, int>();
        for (var p = 0; p < n; p++)
        {
            foreach (var id in facts[p].SafeDelivered) firstDeliverer.TryAdd(id, p);
        }
        foreach (var (id, deliverer) in firstDeliverer.OrderBy(x => x.Key.ViewId).ThenBy(x => x.Key.Sender).ThenBy(x => x.Key.Sequence))
        {
            for (var q = 0; q < n; q++)
            {
                var f = facts[q];
                if (f.SafeDelivered.Contains(id)) continue;
                string? why = null;
                if (f.PassedFrom.TryGetValue(id.ViewId, out var next)) why = $"passed from view {id.ViewId} to view {next} without delivering it";
                else if (options.CheckValidity && f.Fate == InvariantChecker.Fate.Correct && f.InAtEnd(id.ViewId)) why = $"is correct, ended in view {id.ViewId} and never delivered it";
                if (why is null) continue;
                yield return new InvariantViolation(ViolationKind.UniformAgreement, index.MemberAt(q), [id],
                    $"{index.MemberAt(deliverer)} ({facts[deliverer].Fate}) delivered safe {id}; {index.MemberAt(q)} {why}");
            }
        }

        // Safe total order, pairwise, through every member whatever its fate: the first inversion per pair.
        for (var p = 0; p < n; p++)
        {
            for (var r = p + 1; r < n; r++)
            {
                var maxPosition = -1;
                MessageId maxId = default;
                foreach (var id in facts[p].SafeTotalSequence)
                {
                    if (!facts[r].SafeTotalPosition.TryGetValue(id, out var at)) continue;
                    if (at < maxPosition)
                    {
                        yield return new InvariantViolation(ViolationKind.UniformAgreement, index.MemberAt(r), [maxId, id],
                            $"{index.MemberAt(p)} ({facts[p].Fate}) delivered safe total {maxId} before {id}; {index.MemberAt(r)} ({facts[r].Fate}) delivered {id} before {maxId}");
                        break;
                    }
                    maxPosition = at;
                    maxId = id;
                }
            }
        }
    }

    /// <summary>Counts the safe messages delivered anywhere in <paramref name="histories"/> (for reports).</summary>
    public static int SafeMessagesDelivered(IEnumerable<MemberHistory> histories) =>
        histories.SelectMany(h => h.Events).OfType<DeliverEvent>().Where(d => d.Safe).Select(d => d.Id).Distinct().Count();

    private sealed class Facts
    {
        public InvariantChecker.Fate Fate;
        public readonly HashSet<MessageId> SafeDelivered = new();
        public readonly List<MessageId> SafeTotalSequence = new();
        public readonly Dictionary<MessageId, int> SafeTotalPosition = new();
        /// <summary>View v → the view this member installed next (it passed from v through v's flush).</summary>
        public readonly Dictionary<long, long> PassedFrom = new();
        /// <summary>The last view installed; null when the history has no view events (one implicit view).</summary>
        public long? LastView;

        /// <summary>The member's history ended in view <paramref name="viewId"/> (or in the one implicit view).</summary>
        public bool InAtEnd(long viewId) => LastView is null || LastView == viewId;

        public static Facts Of(MemberHistory history, InvariantChecker.Fate fate)
        {
            var f = new Facts { Fate = fate };
            var seen = new HashSet<MessageId>();
            foreach (var e in history.Events)
            {
                switch (e)
                {
                    case ViewEvent v:
                        if (f.LastView is { } previous && v.ViewId > previous) f.PassedFrom.TryAdd(previous, v.ViewId);
                        f.LastView = v.ViewId;
                        break;
                    case SnapshotLoadEvent load:
                        f.LastView ??= load.ViewId;
                        break;
                    case DeliverEvent { Safe: true } d when seen.Add(d.Id):
                        f.SafeDelivered.Add(d.Id);
                        if (d.Order == DeliveryOrder.Total)
                        {
                            f.SafeTotalPosition[d.Id] = f.SafeTotalSequence.Count;
                            f.SafeTotalSequence.Add(d.Id);
                        }
                        break;
                }
            }
            return f;
        }
    }
}
