using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 3 (causal): a causal or total message is delivered only after everything that happened-before it.
/// Exempt: messages of views before the member's first view (they reach it through its snapshot) and messages lost with
/// every member that held them (<see cref="HistoryIndex.IsLost"/>).
/// </summary>
public sealed class CausalOrderCheck : IInvariantCheck
{
    public string Name => "causal order";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        var n = index.Count;
        for (var p = 0; p < n; p++)
        {
            var self = index.MemberAt(p);
            var member = index.Members[p];
            // delivered[q]: which of q's sends are delivered here or precede the member's first view.
            var delivered = new Prefix[n];
            for (var q = 0; q < n; q++)
            {
                var sends = index.SendsBy[q];
                delivered[q] = new Prefix(sends.Count);
                if (member.FirstView == long.MinValue) continue;
                for (var k = 0; k < sends.Count; k++)
                {
                    if (sends[k].ViewId < member.FirstView) delivered[q].Mark(k + 1);
                }
            }

            foreach (var d in member.Deliveries)
            {
                if (!d.Accepted) continue;
                var sent = d.Sent!;
                if (sent.Order is DeliveryOrder.Causal or DeliveryOrder.Total)
                {
                    var past = sent.PastVector;
                    for (var r = 0; r < n; r++)
                    {
                        while (r != sent.Member && past[r] > delivered[r].Length)
                        {
                            var missing = index.SendsBy[r][delivered[r].Length];
                            if (index.IsLost(missing))
                            {
                                delivered[r].Mark(delivered[r].Length + 1);
                                continue;
                            }
                            yield return new InvariantViolation(ViolationKind.Causal, self, [missing, d.Id],
                                $"{sent.Order} {d.Id} delivered before {missing} (from {index.MemberAt(r)}), which happened-before it");
                            break;
                        }
                    }
                }
                delivered[sent.Member].Mark(sent.Index);
            }
        }
    }
}
