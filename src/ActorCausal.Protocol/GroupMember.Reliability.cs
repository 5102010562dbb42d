using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Gap detection, NAK with exponential back-off, retransmission, stability and buffer cleanup.
public sealed partial class GroupMember
{
    private const int MaxRangesPerNak = 16;
    private readonly List<(long From, long To)> _ranges = new();
    private long _lastGossipAt;

    /// <summary>Advances time to <paramref name="nowMs"/>: NAKs, total-order retries, stability gossip and buffer cleanup happen here.</summary>
    public void Tick(long nowMs)
    {
        if (nowMs > _now) _now = nowMs;
        if (Phase == MemberPhase.Joining) JoinTick();
        if (Phase is MemberPhase.Stopped or MemberPhase.Joining) return;
        SendDueNaks();
        _total.RetryUndecidedIfDue();
        if (_viewState.SafeAckDueAt <= _now) AcknowledgeSafeIfDue();
        RecomputeStability();
        GossipIfDue();
        _flush.Tick();
        RequestLeaveIfDue();
        SendWelcomesIfDue();
        _merging.Tick();
    }

    /// <summary>Learns from a peer's delivered vector (piggy-backed or gossiped) for stability.</summary>
    private void LearnPeerDelivered(int peer, ReadOnlySpan<long> delivered)
    {
        _viewState.Acks.LearnDelivered(peer, delivered);
        LearnPeerStored(peer, delivered); // delivered implies stored, with the final
        LearnExistence(delivered, reporter: peer);
    }

    /// <summary>A clock that names messages not received yet reveals a gap (a loss if <paramref name="reporter"/> names its own).</summary>
    private void LearnExistence(ReadOnlySpan<long> clock, int reporter)
    {
        for (var k = 0; k < _viewState.Size; k++) LearnExistence(k, clock[k], fromSender: k == reporter);
    }

    /// <summary>Member <paramref name="k"/> sent at least <paramref name="count"/> messages (as <paramref name="fromSender"/> itself says).</summary>
    private void LearnExistence(int k, long count, bool fromSender)
    {
        var log = _viewState.Logs[k];
        if (k == Rank) return;
        if (fromSender && count > log.ShownBySender) log.ShownBySender = count;
        if (count <= log.KnownMax) return;
        log.KnownMax = Math.Min(count, log.Delivered + Settings.ReceiveWindow);
        if (log.HasGap) StartGapTimer(k);
    }

    private void StartGapTimer(int sender)
    {
        _viewState.Naks ??= new NakBackoff(_viewState.Size, Settings.NakInitialDelayMs, Settings.NakMaxDelayMs);
        _viewState.Naks.Start(sender, _now);
    }

    private void SendDueNaks()
    {
        if (_viewState.Naks is not { } naks) return;
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (!naks.IsRunning(s)) continue;
            var log = _viewState.Logs[s];
            if (!log.HasGap)
            {
                naks.Stop(s);
                continue;
            }
            if (!naks.IsDue(s, _now)) continue;
            // Only a gap the sender itself has shown is a loss (FIFO links); one that other members' clocks show may be
            // in flight, and under load it stays so for longer than any fixed delay: wait for the sender's word (its
            // next message or gossip), unless the sender is suspected, when another member may have to answer.
            var upTo = StateOf(View.Members[s]) == MemberState.Active ? log.ShownBySender : long.MaxValue;
            _ranges.Clear();
            log.MissingRanges(_ranges, MaxRangesPerNak, upTo);
            if (_ranges.Count == 0)
            {
                naks.Postpone(s, _now);
                continue;
            }
            var target = NakTarget(s, _ranges.Count > 0 ? _ranges[0].From : log.KnownMax);
            foreach (var (from, to) in _ranges)
            {
                _effects.Add(new Send(View.Members[target], new Nak(View.Id, s, from, to)));
                _counters.NaksSent++;
            }
            naks.Sent(s, _now);
        }
    }

    /// <summary>The sender first; after two unanswered attempts, alternately a member known to store the message (a safe one may be delivered nowhere yet).</summary>
    private int NakTarget(int sender, long sequence)
    {
        var attempts = _viewState.Naks!.Attempts(sender);
        var senderResponsive = StateOf(View.Members[sender]) == MemberState.Active;
        if (senderResponsive && (attempts < 2 || attempts % 2 == 0)) return sender;
        for (var i = 1; i < _viewState.Size; i++)
        {
            var k = (sender + attempts + i) % _viewState.Size;
            if (k != Rank && k != sender && _viewState.Acks.StoredBy(k, sender) >= sequence) return k;
        }
        return sender;
    }

    private ReceiveOutcome OnNak(MemberId from, int fromRank, Nak nak)
    {
        if (nak.Origin < 0 || nak.Origin >= _viewState.Size || nak.From < 1 || nak.To < nak.From)
            return Reject(from, RejectReason.Malformed, $"NAK for {nak.Origin}:{nak.From}..{nak.To} does not name messages of {View}.");
        if (Settings.Rules.Retransmits) Retransmit(from, nak);
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Sends <paramref name="from"/> what it asked for that this member still holds (with final priorities).</summary>
    internal void Retransmit(MemberId from, Nak nak)
    {
        var log = _viewState.Logs[nak.Origin];
        var to = Math.Min(nak.To, nak.From + Settings.ReceiveWindow);
        for (var seq = Math.Max(nak.From, log.Stable + 1); seq <= to; seq++)
        {
            if (log.Get(seq) is not { } m) continue;
            _effects.Add(new Send(from, m));
            _counters.Retransmitted++;
            if (m.Order == DeliveryOrder.Total)
            {
                if (log.TryGetFinal(seq, out var final)) _effects.Add(new Send(from, new FinalPriority(View.Id, m.Id, final)));
                else if (_total.TryGetFinal(m.Id, out var agreed)) _effects.Add(new Send(from, new FinalPriority(View.Id, m.Id, agreed)));
            }
        }
    }

    private ReceiveOutcome OnGossip(MemberId from, int fromRank, StabilityGossip gossip)
    {
        if (gossip.Delivered is null || gossip.Delivered.Dimension != _viewState.Size)
            return Reject(from, RejectReason.WrongClockDimension, $"Stability gossip of dimension {gossip.Delivered?.Dimension} in a view of {_viewState.Size}.");
        if (gossip.Delivered[Rank] > _viewState.Seq)
            return Reject(from, RejectReason.Malformed, $"Stability gossip claims {gossip.Delivered[Rank]} messages of this member delivered; it sent {_viewState.Seq}.");
        if (gossip.Held is { } stored)
        {
            if (stored.Dimension != _viewState.Size)
                return Reject(from, RejectReason.WrongClockDimension, $"Safe acknowledgement of dimension {stored.Dimension} in a view of {_viewState.Size}.");
            if (stored[Rank] > _viewState.Seq)
                return Reject(from, RejectReason.Malformed, $"Safe acknowledgement claims {stored[Rank]} messages of this member stored; it sent {_viewState.Seq}.");
            LearnPeerStored(fromRank, stored.AsSpan());
            // A safe message is delivered nowhere before all hold it, so only H names a lost last one. Only the gossiper's
            // own entry counts: its data went out before this gossip on the same FIFO link, so it is lost, not in flight.
            LearnExistence(fromRank, stored[fromRank], fromSender: true);
        }
        LearnPeerDelivered(fromRank, gossip.Delivered.AsSpan());
        return ReceiveOutcome.Accepted;
    }

    /// <summary>A message delivered by every member (taken by every reader, see <see cref="Consumed"/>) is stable: it leaves every buffer.</summary>
    private void RecomputeStability()
    {
        var own = ReportedDelivered();
        for (var s = 0; s < _viewState.Size; s++)
        {
            _viewState.Logs[s].ReleaseUpTo(_viewState.Acks.StableUpTo(s, own[s]));
        }
    }

    private void GossipIfDue()
    {
        var since = _now - _lastGossipAt;
        var active = _viewState.DeliveredChanged || BuffersUnstable();
        if (since < (active ? Settings.StabilityIntervalMs : Settings.IdleGossipIntervalMs)) return;
        _effects.Add(new SendToAll(new StabilityGossip(View.Id, VectorClock.Wrap((long[])ReportedDelivered().Clone())) { Held = StoredForGossip() }));
        _lastGossipAt = _now;
        _viewState.DeliveredChanged = false;
    }

    private bool BuffersUnstable()
    {
        foreach (var log in _viewState.Logs)
        {
            if (log.Count > 0) return true;
        }
        return false;
    }
}
