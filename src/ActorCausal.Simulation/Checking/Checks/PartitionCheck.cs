using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Partition rule: a message sent after a split (in its sender's local order) is not delivered on both sides of it.</summary>
public sealed class PartitionCheck : IInvariantCheck
{
    public string Name => "partition";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        var minorities = new SortedDictionary<int, HashSet<MemberId>>();
        foreach (var h in index.Histories)
        {
            foreach (var e in h.Events)
            {
                if (e is PartitionEvent split && !minorities.ContainsKey(split.Number)) minorities[split.Number] = new HashSet<MemberId>(split.Minority);
            }
        }

        foreach (var (number, minority) in minorities)
        {
            var after = new HashSet<MessageId>();
            for (var q = 0; q < index.Count; q++)
            {
                if (!index.Members[q].Partitions.TryGetValue(number, out var at)) continue;
                var events = index.Histories[q].Events;
                for (var k = at + 1; k < events.Count; k++)
                {
                    if (events[k] is SendEvent s) after.Add(s.Id);
                }
            }
            if (after.Count == 0) continue;

            var minorityDeliverer = new Dictionary<MessageId, int>();
            var majorityDeliverer = new Dictionary<MessageId, int>();
            for (var p = 0; p < index.Count; p++)
            {
                var side = minority.Contains(index.MemberAt(p)) ? minorityDeliverer : majorityDeliverer;
                foreach (var id in index.Members[p].DeliveryList)
                {
                    if (after.Contains(id)) side.TryAdd(id, p);
                }
            }
            foreach (var id in after.Order(MessageIdOrder.Instance))
            {
                if (!minorityDeliverer.TryGetValue(id, out var a) || !majorityDeliverer.TryGetValue(id, out var b)) continue;
                var senderOnMinority = index.Sends.TryGetValue(id, out var s) && minority.Contains(index.MemberAt(s.Member));
                var reportAt = senderOnMinority ? b : a;
                yield return new InvariantViolation(ViolationKind.Partition, index.MemberAt(reportAt), [id],
                    $"sent after split #{number} and delivered on both sides ({index.MemberAt(a)} on the minority, {index.MemberAt(b)} on the majority)");
            }
        }
    }
}
