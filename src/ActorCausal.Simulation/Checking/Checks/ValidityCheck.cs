using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 5 (validity and agreement), judged only with <see cref="CheckerOptions.CheckValidity"/> (at the end of a
/// run): every correct member of view v delivers every view-v message of a correct sender, its own included; a view-v
/// message of a sender that did not stay correct that one correct member delivered, every correct member of v delivers
/// (unless v precedes its first view).
/// </summary>
public sealed class ValidityCheck : IInvariantCheck
{
    public string Name => "validity";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        if (!options.CheckValidity) yield break;
        var n = index.Count;
        bool InView(int p, long viewId) => !index.Views.TryGetValue(viewId, out var members) || members.Contains(index.MemberAt(p));
        bool Correct(int p) => index.Fates[p] == InvariantChecker.Fate.Correct;

        for (var p = 0; p < n; p++)
        {
            if (!Correct(p)) continue;
            for (var q = 0; q < n; q++)
            {
                if (!Correct(q)) continue;
                foreach (var id in index.SendsBy[q])
                {
                    if (index.Sends[id].Member == q && InView(p, id.ViewId) && !index.Members[p].Delivered.Contains(id))
                        yield return new InvariantViolation(ViolationKind.Validity, index.MemberAt(p), [id], $"never delivered (sent by {index.MemberAt(q)})");
                }
            }
        }

        var deliveredByCorrect = new Dictionary<MessageId, int>();
        var ordered = new List<MessageId>();
        for (var p = 0; p < n; p++)
        {
            if (!Correct(p)) continue;
            foreach (var id in index.Members[p].DeliveryList)
            {
                if (!index.Sends.TryGetValue(id, out var s) || Correct(s.Member)) continue;
                if (deliveredByCorrect.TryAdd(id, p)) ordered.Add(id);
            }
        }
        foreach (var id in ordered)
        {
            for (var p = 0; p < n; p++)
            {
                if (!Correct(p) || !InView(p, id.ViewId) || index.Members[p].Delivered.Contains(id)) continue;
                if (id.ViewId < index.Members[p].FirstView) continue;
                var sender = index.Sends[id].Member;
                yield return new InvariantViolation(ViolationKind.Validity, index.MemberAt(p), [id],
                    $"never delivered, though {index.MemberAt(deliveredByCorrect[id])} (correct) delivered it (sent by {index.MemberAt(sender)}, {index.Fates[sender]})");
            }
        }
    }
}
