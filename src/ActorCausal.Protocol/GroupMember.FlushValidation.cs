using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Checks on flush input before it changes anything: a decision (prepared, committed, or carried in a report) must fit
// this view and be deliverable here exactly as decided, so that ApplyCommit cannot fail half-way. Each check returns
// null when the input is fine, otherwise why it is refused (RejectReason.MalformedFlush).
public sealed partial class GroupMember
{
    private string? CheckDecision(FlushDecision? d)
    {
        if (d is null) return "The flush message carries no decision.";
        if (d.NewMembers.IsDefault || d.Cut.IsDefault || d.Messages.IsDefault || d.TotalOrder.IsDefault)
            return $"The flush decision for view {d.ViewId} lacks a member list, cut, message list or total order.";
        if (d.ViewId != View.Id) return $"The flush decision closes view {d.ViewId}, not {View}.";
        if (d.NewViewId != View.Id + 1) return $"The flush decision for view {d.ViewId} installs view {d.NewViewId}, not {View.Id + 1}.";
        if (d.Cut.Length != _viewState.Size) return $"The flush decision's cut has {d.Cut.Length} entries; {View} has {_viewState.Size} members.";
        if (d.NewMembers.Any(m => string.IsNullOrEmpty(m.Address)) || d.NewMembers.Distinct().Count() != d.NewMembers.Length)
            return $"The flush decision's next view {d.NewViewId} lists a member twice or an empty member.";
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (d.Cut[s] < _viewState.Delivered[s]) return $"The flush decision cuts rank {s} at {d.Cut[s]}, but {_viewState.Delivered[s]} are delivered here already.";
            if (s == Rank && d.Cut[s] > _viewState.Seq) return $"The flush decision cuts this member (rank {s}) at {d.Cut[s]}, but it sent only {_viewState.Seq}.";
        }

        var decided = new Dictionary<MessageId, DataMessage>();
        foreach (var m in d.Messages)
        {
            if (m is null) return "The flush decision lists an empty message.";
            if (m.ViewId != View.Id || ValidateData(m) is not null) return $"The flush decision lists message {m.Id}, which is not a well-formed message of {View}.";
            if (m.Sequence > d.Cut[m.Sender]) return $"The flush decision lists message {m.Id}, beyond its cut of {d.Cut[m.Sender]}.";
            decided.TryAdd(m.Id, m);
        }
        var ordered = new HashSet<MessageId>();
        foreach (var f in d.TotalOrder)
        {
            var id = f.Message;
            if (id.ViewId != View.Id || id.Sender < 0 || id.Sender >= _viewState.Size || id.Sequence < 1 || id.Sequence > d.Cut[id.Sender] || !ordered.Add(id))
                return $"The flush decision orders {id}, which is not a message of {View} inside the cut, or orders it twice.";
        }
        return CheckDeliverable(d, decided);
    }

    /// <summary>
    /// Replays ApplyCommit's delivery on copies: every message up to the cut is held here or in the decision, and the
    /// delivery conditions (with the flush's total order) let all of them through. Delivery only ever enables more, so
    /// this fixpoint is the one ApplyCommit reaches.
    /// </summary>
    private string? CheckDeliverable(FlushDecision d, Dictionary<MessageId, DataMessage> decided)
    {
        var delivered = (long[])_viewState.Delivered.Clone();
        var cut = d.Cut;
        var nextOrdered = 0;
        DataMessage? Held(int s, long seq) =>
            _viewState.Logs[s].Get(seq) ?? (s != Rank && decided.TryGetValue(new MessageId(View.Id, s, seq), out var m) ? m : null);
        Func<int, long, bool> known = (k, seq) => seq <= delivered[k] || (delivered[k] >= cut[k] && seq > cut[k]);
        bool Ready(DataMessage m) => Settings.Rules.FlushReady(m, _viewState.Size, known);

        for (var progress = true; progress;)
        {
            progress = false;
            for (var s = 0; s < _viewState.Size; s++)
            {
                while (delivered[s] < cut[s])
                {
                    var m = Held(s, delivered[s] + 1);
                    if (m is null) return $"The flush decision cuts rank {s} at {cut[s]}, but message {delivered[s] + 1} of it is neither held here nor in the decision.";
                    if (m.Order == DeliveryOrder.Total)
                    {
                        while (nextOrdered < d.TotalOrder.Length && d.TotalOrder[nextOrdered].Message.Sequence <= delivered[d.TotalOrder[nextOrdered].Message.Sender]) nextOrdered++;
                        if (nextOrdered >= d.TotalOrder.Length || d.TotalOrder[nextOrdered].Message != m.Id || !Ready(m)) break;
                        nextOrdered++;
                    }
                    else if (!Ready(m))
                    {
                        break;
                    }
                    delivered[s]++;
                    progress = true;
                }
            }
        }
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (delivered[s] != cut[s])
                return $"The flush decision cuts rank {s} at {cut[s]}, but only {delivered[s]} could be delivered here (a causal past, dependency or total order it names cannot be met).";
        }
        return null;
    }

    /// <summary>A report's content: well-formed messages and finals of this view, and a decision this member could carry out.</summary>
    private string? CheckReport(FlushReport report)
    {
        if (report.Messages.IsDefault || report.Finals.IsDefault) return $"Flush report of round {report.Round} lacks its message or final list.";
        for (var k = 0; k < _viewState.Size; k++)
        {
            // Everything up to Stable is delivered everywhere, so also at the reporter.
            if (report.Delivered[k] < _viewState.Logs[k].Stable)
                return $"Flush report of round {report.Round} claims {report.Delivered[k]} messages of rank {k} delivered, below the {_viewState.Logs[k].Stable} delivered everywhere.";
        }
        var held = new HashSet<MessageId>();
        foreach (var m in report.Messages)
        {
            if (m is null || m.ViewId != View.Id || ValidateData(m) is not null)
                return $"Flush report of round {report.Round} holds a message that is not a well-formed message of {View}.";
            held.Add(m.Id);
        }
        for (var k = 0; k < _viewState.Size; k++)
        {
            // A member keeps what it delivered until it is stable, so it holds all it delivered beyond what this member did.
            for (var seq = _viewState.Delivered[k] + 1; seq <= report.Delivered[k]; seq++)
            {
                if (!held.Contains(new MessageId(View.Id, k, seq)))
                    return $"Flush report of round {report.Round} claims {report.Delivered[k]} messages of rank {k} delivered, but does not hold message {seq}.";
            }
        }
        foreach (var f in report.Finals)
        {
            var id = f.Message;
            if (id.ViewId != View.Id || id.Sender < 0 || id.Sender >= _viewState.Size || id.Sequence < 1)
                return $"Flush report of round {report.Round} knows a final for {id}, which is not a message of {View}.";
        }
        if (report.Prepared is { } prepared && CheckDecision(prepared) is { } problem) return $"Flush report of round {report.Round} carries a prepared decision that is refused: {problem}";
        return null;
    }
}
