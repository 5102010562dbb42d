namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 1 (no creation): every delivered message was sent, by the member it is attributed to and in the order it
/// was sent with; an id names one send; the histories admit an interleaving where every send precedes its deliveries;
/// a held broadcast the protocol says it sent was handed out by it.
/// </summary>
public sealed class CreationCheck : IInvariantCheck
{
    public string Name => "creation";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        foreach (var (p, id) in index.DuplicateSends)
            yield return new InvariantViolation(ViolationKind.Creation, index.MemberAt(p), [id], "message id sent twice");
        foreach (var (p, id, inSnapshot) in index.ImpossibleReplays)
            yield return new InvariantViolation(ViolationKind.Creation, index.MemberAt(p), [id],
                inSnapshot
                    ? "in a loaded snapshot before it was sent (no interleaving of the histories puts the send first)"
                    : "delivered before it was sent (no interleaving of the histories puts the send first)");
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            foreach (var d in index.Members[p].Deliveries)
            {
                if (d.Sent is null)
                {
                    if (!d.Repeat) yield return new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered from {d.Event.Sender} but never sent");
                    continue;
                }
                var senderId = index.MemberAt(d.Sent.Member);
                if (senderId != d.Event.Sender)
                    yield return new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered as sent by {d.Event.Sender} but sent by {senderId}");
                if (d.Event.Order != d.Sent.Order)
                    yield return new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered as {d.Event.Order} but sent as {d.Sent.Order}");
            }
            if (index.Histories[p].Facts is { } facts)
            {
                foreach (var (ticket, id) in facts.UnknownTickets)
                    yield return new InvariantViolation(ViolationKind.Creation, self, [id], $"HeldBroadcastSent for ticket {ticket}, which this member never handed out");
            }
        }
    }
}
