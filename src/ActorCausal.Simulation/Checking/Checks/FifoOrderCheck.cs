namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Invariant 2 (FIFO): a member delivers each sender's messages of one view in the sender's send order, without gaps.</summary>
public sealed class FifoOrderCheck : IInvariantCheck
{
    public string Name => "FIFO order";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            var progress = new Dictionary<(int Sender, long View), Prefix>();
            foreach (var d in index.Members[p].Deliveries)
            {
                if (!d.Accepted) continue;
                var sent = d.Sent!;
                var key = (sent.Member, d.Id.ViewId);
                var inView = index.SendsInView(sent.Member, d.Id.ViewId);
                if (!progress.TryGetValue(key, out var prefix)) progress[key] = prefix = new Prefix(inView.Count);
                if (prefix.Length < sent.ViewIndex - 1)
                {
                    var missing = inView[prefix.Length];
                    yield return new InvariantViolation(ViolationKind.Fifo, self, [missing, d.Id], $"{d.Id} delivered before {missing}, sent earlier by {index.MemberAt(sent.Member)}");
                }
                prefix.Mark(sent.ViewIndex);
            }
        }
    }
}
