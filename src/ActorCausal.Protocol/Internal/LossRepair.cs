using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Loss detection and repair in a view: a clock naming a message not received reveals a gap; a gap the sender itself
/// has shown is NAKed with exponential back-off (<see cref="NakBackoff"/>), to the sender first and then alternately to a
/// member known to store the message; a NAK is answered with what this member still stores (and total order's finals).
/// </summary>
internal sealed class LossRepair(ILossRepairHost host, GroupMemberSettings settings, MemberCounters counters, TotalOrdering total)
{
    private const int MaxRangesPerNak = 16;
    private readonly List<(long From, long To)> _ranges = new();

    /// <summary>A clock that names messages not received yet reveals a gap (a loss if <paramref name="reporter"/> names its own).</summary>
    public void LearnExistence(ReadOnlySpan<long> clock, int reporter)
    {
        for (var k = 0; k < host.ViewState.Size; k++) LearnExistence(k, clock[k], fromSender: k == reporter);
    }

    /// <summary>Member <paramref name="k"/> sent at least <paramref name="count"/> messages (as <paramref name="fromSender"/> itself says).</summary>
    public void LearnExistence(int k, long count, bool fromSender)
    {
        var log = host.ViewState.Logs[k];
        if (k == host.Rank) return;
        if (fromSender && count > log.ShownBySender) log.ShownBySender = count;
        if (count <= log.KnownMax) return;
        log.KnownMax = Math.Min(count, log.Delivered + settings.ReceiveWindow);
        if (log.HasGap) StartGapTimer(k);
    }

    /// <summary>A message of <paramref name="sender"/> is known to exist beyond what was received.</summary>
    public void StartGapTimer(int sender)
    {
        var v = host.ViewState;
        v.Naks ??= new NakBackoff(v.Size, settings.NakInitialDelayMs, settings.NakMaxDelayMs);
        v.Naks.Start(sender, host.Now);
    }

    public void SendDueNaks()
    {
        var v = host.ViewState;
        if (v.Naks is not { } naks) return;
        for (var s = 0; s < v.Size; s++)
        {
            if (!naks.IsRunning(s)) continue;
            var log = v.Logs[s];
            if (!log.HasGap)
            {
                naks.Stop(s);
                continue;
            }
            if (!naks.IsDue(s, host.Now)) continue;
            // Only a gap the sender itself has shown is a loss (FIFO links); one that other members' clocks show may be
            // in flight, and under load it stays so for longer than any fixed delay: wait for the sender's word (its
            // next message or gossip), unless the sender is suspected, when another member may have to answer.
            var upTo = host.IsActive(s) ? log.ShownBySender : long.MaxValue;
            _ranges.Clear();
            log.MissingRanges(_ranges, MaxRangesPerNak, upTo);
            if (_ranges.Count == 0)
            {
                naks.Postpone(s, host.Now);
                continue;
            }
            var target = NakTarget(s, _ranges.Count > 0 ? _ranges[0].From : log.KnownMax);
            foreach (var (from, to) in _ranges)
            {
                host.Emit(new Send(host.View.Members[target], new Nak(host.View.Id, s, from, to)));
                counters.NaksSent++;
            }
            naks.Sent(s, host.Now);
        }
    }

    /// <summary>The sender first; after two unanswered attempts, alternately a member known to store the message (a safe one may be delivered nowhere yet).</summary>
    private int NakTarget(int sender, long sequence)
    {
        var v = host.ViewState;
        var attempts = v.Naks!.Attempts(sender);
        if (host.IsActive(sender) && (attempts < 2 || attempts % 2 == 0)) return sender;
        for (var i = 1; i < v.Size; i++)
        {
            var k = (sender + attempts + i) % v.Size;
            if (k != host.Rank && k != sender && v.Acks.StoredBy(k, sender) >= sequence) return k;
        }
        return sender;
    }

    public ReceiveOutcome OnNak(MemberId from, Nak nak)
    {
        if (nak.Origin < 0 || nak.Origin >= host.ViewState.Size || nak.From < 1 || nak.To < nak.From)
            return host.Reject(from, RejectReason.Malformed, $"NAK for {nak.Origin}:{nak.From}..{nak.To} does not name messages of {host.View}.");
        if (settings.Rules.Retransmits) Retransmit(from, nak);
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Sends <paramref name="from"/> what it asked for that this member still stores (with final priorities).</summary>
    private void Retransmit(MemberId from, Nak nak)
    {
        var log = host.ViewState.Logs[nak.Origin];
        var to = Math.Min(nak.To, nak.From + settings.ReceiveWindow);
        for (var seq = Math.Max(nak.From, log.Stable + 1); seq <= to; seq++)
        {
            if (log.Get(seq) is not { } m) continue;
            host.Emit(new Send(from, m));
            counters.Retransmitted++;
            if (m.Order == DeliveryOrder.Total && settings.TotalOrder != TotalOrderMode.Symmetric) // symmetric: the message is its place
            {
                if (log.TryGetFinal(seq, out var final)) host.Emit(new Send(from, new FinalPriority(host.View.Id, m.Id, final)));
                else if (total.TryGetFinal(m.Id, out var agreed)) host.Emit(new Send(from, new FinalPriority(host.View.Id, m.Id, agreed)));
            }
        }
    }
}
