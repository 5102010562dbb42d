using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Checks on flush input before it changes anything: a decision (prepared, committed, or carried in a report) must fit
/// this view and be deliverable here exactly as decided, so that applying a commit cannot fail half-way. Each check
/// returns null when the input is fine, otherwise why it is refused (<see cref="RejectReason.MalformedFlush"/>).
/// </summary>
internal sealed class FlushChecks(IFlushHost host, ProtocolRules rules)
{
    public string? CheckDecision(FlushDecision? d)
    {
        var view = host.View;
        var size = host.Size;
        if (d is null) return "The flush message carries no decision.";
        if (d.NewMembers.IsDefault || d.Cut.IsDefault || d.Messages.IsDefault || d.TotalOrder.IsDefault)
            return $"The flush decision for view {d.ViewId} lacks a member list, cut, message list or total order.";
        if (d.ViewId != view.Id) return $"The flush decision closes view {d.ViewId}, not {view}.";
        if (d.NewViewId != view.Id + 1) return $"The flush decision for view {d.ViewId} installs view {d.NewViewId}, not {view.Id + 1}.";
        if (d.Cut.Length != size) return $"The flush decision's cut has {d.Cut.Length} entries; {view} has {size} members.";
        if (d.NewMembers.Any(m => string.IsNullOrEmpty(m.Address)) || d.NewMembers.Distinct().Count() != d.NewMembers.Length)
            return $"The flush decision's next view {d.NewViewId} lists a member twice or an empty member.";
        if (d.Reporters.IsDefault || d.Reporters.Any(k => k < 0 || k >= size) || d.Reporters.Distinct().Count() != d.Reporters.Length)
            return $"The flush decision for view {d.ViewId} names a reporter twice or a rank outside {view}.";
        var delivered = host.Delivered;
        for (var s = 0; s < size; s++)
        {
            if (d.Cut[s] < delivered[s]) return $"The flush decision cuts rank {s} at {d.Cut[s]}, but {delivered[s]} are delivered here already.";
            if (s == host.Rank && d.Cut[s] > host.LastSequence) return $"The flush decision cuts this member (rank {s}) at {d.Cut[s]}, but it sent only {host.LastSequence}.";
        }

        var decided = new Dictionary<MessageId, DataMessage>();
        foreach (var m in d.Messages)
        {
            if (m is null) return "The flush decision lists an empty message.";
            if (m.ViewId != view.Id || host.DataProblem(m) is not null) return $"The flush decision lists message {m.Id}, which is not a well-formed message of {view}.";
            if (m.Sequence > d.Cut[m.Sender]) return $"The flush decision lists message {m.Id}, beyond its cut of {d.Cut[m.Sender]}.";
            decided.TryAdd(m.Id, m);
        }
        var ordered = new HashSet<MessageId>();
        foreach (var f in d.TotalOrder)
        {
            var id = f.Message;
            if (id.ViewId != view.Id || id.Sender < 0 || id.Sender >= size || id.Sequence < 1 || id.Sequence > d.Cut[id.Sender] || !ordered.Add(id))
                return $"The flush decision orders {id}, which is not a message of {view} inside the cut, or orders it twice.";
        }
        return CheckDeliverable(d, decided);
    }

    /// <summary>
    /// Replays the commit's delivery on copies: every message up to the cut is held here or in the decision, and the
    /// delivery conditions (with the flush's total order) let all of them through. Delivery only ever enables more, so
    /// this fixpoint is the one applying the commit reaches.
    /// </summary>
    private string? CheckDeliverable(FlushDecision d, Dictionary<MessageId, DataMessage> decided)
    {
        var size = host.Size;
        var delivered = (long[])host.Delivered.Clone();
        var cut = d.Cut;
        var nextOrdered = 0;
        DataMessage? Held(int s, long seq) =>
            host.Log(s).Get(seq) ?? (s != host.Rank && decided.TryGetValue(new MessageId(host.View.Id, s, seq), out var m) ? m : null);
        Func<int, long, bool> known = (k, seq) => seq <= delivered[k] || (delivered[k] >= cut[k] && seq > cut[k]);
        bool Ready(DataMessage m) => rules.FlushReady(m, size, known);

        for (var progress = true; progress;)
        {
            progress = false;
            for (var s = 0; s < size; s++)
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
        for (var s = 0; s < size; s++)
        {
            if (delivered[s] != cut[s])
                return $"The flush decision cuts rank {s} at {cut[s]}, but only {delivered[s]} could be delivered here (a causal past, dependency or total order it names cannot be met).";
        }
        return null;
    }

    /// <summary>A report fits this view (its delivered vector's dimension) and its content is valid (<see cref="CheckReport"/>).</summary>
    public (RejectReason Reason, string Detail)? ReportProblem(FlushReport report)
    {
        if (report.Delivered is null || report.Delivered.Dimension != host.Size)
            return (RejectReason.WrongClockDimension, $"Flush report with a delivered vector of dimension {report.Delivered?.Dimension} in a view of {host.Size}.");
        return CheckReport(report) is { } problem ? (RejectReason.MalformedFlush, problem) : null;
    }

    /// <summary>A report's content: well-formed messages and finals of this view, and a decision this member could carry out.</summary>
    public string? CheckReport(FlushReport report)
    {
        var view = host.View;
        var size = host.Size;
        if (report.Messages.IsDefault || report.Finals.IsDefault) return $"Flush report of round {report.Round} lacks its message or final list.";
        for (var k = 0; k < size; k++)
        {
            // Everything up to Stable is delivered everywhere, so also at the reporter.
            if (report.Delivered[k] < host.Log(k).Stable)
                return $"Flush report of round {report.Round} claims {report.Delivered[k]} messages of rank {k} delivered, below the {host.Log(k).Stable} delivered everywhere.";
        }
        var held = new HashSet<MessageId>();
        foreach (var m in report.Messages)
        {
            if (m is null || m.ViewId != view.Id || host.DataProblem(m) is not null)
                return $"Flush report of round {report.Round} holds a message that is not a well-formed message of {view}.";
            held.Add(m.Id);
        }
        var delivered = host.Delivered;
        for (var k = 0; k < size; k++)
        {
            // A member keeps what it delivered until it is stable, so it holds all it delivered beyond what this member did.
            for (var seq = delivered[k] + 1; seq <= report.Delivered[k]; seq++)
            {
                if (!held.Contains(new MessageId(view.Id, k, seq)))
                    return $"Flush report of round {report.Round} claims {report.Delivered[k]} messages of rank {k} delivered, but does not hold message {seq}.";
            }
        }
        foreach (var f in report.Finals)
        {
            var id = f.Message;
            if (id.ViewId != view.Id || id.Sender < 0 || id.Sender >= size || id.Sequence < 1)
                return $"Flush report of round {report.Round} knows a final for {id}, which is not a message of {view}.";
        }
        if (report.Prepared is { } prepared && CheckDecision(prepared) is { } problem) return $"Flush report of round {report.Round} carries a prepared decision that is refused: {problem}";
        return null;
    }
}
