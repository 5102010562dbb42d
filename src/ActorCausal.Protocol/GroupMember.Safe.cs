using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Safe (uniform) delivery. Each member keeps a stored vector H: H[s] = how many of rank s's messages (a prefix) it
// stores, every total-order one with its final priority. Members exchange H (the wire field StabilityGossip.Held, at
// once when it covers a new safe message, and with the gossip while safe messages are unstable); the
// AcknowledgementMatrix keeps every member's. A safe message m of s is delivered only when its ordering condition holds
// and every member's H[s] >= m's sequence number (with SafeQuorum.Majority: a strict majority's, this member's included).
// A member keeps what it stores until it is stable, so the flush's participants report m (every one; under majority at
// least one, provided at least half of the view takes part) and the decision's cut includes it: whoever delivered m,
// every member that installs the next view delivers it. A member that reported to a flush acknowledges nothing more, so no
// acknowledgement ever claims more than the reports the decision is made from. See docs/protocol.md, Safe delivery.
public sealed partial class GroupMember
{
    /// <summary>A safe message was sent or received here: the members that store it must say so.</summary>
    private void NoteSafe(DataMessage m)
    {
        if (m.Safe) _viewState.Acks.NoteSafe(m.Sender, m.Sequence);
    }

    /// <summary>Advances this member's H[s] over the messages of s it stores, each total-order one only once its final is known.</summary>
    private long AdvanceStored(int s)
    {
        var log = _viewState.Logs[s];
        var h = Math.Max(_viewState.Acks.Stored[s], log.Delivered);
        while (true)
        {
            var next = h + 1;
            if (log.Get(next) is not { } m) break;
            if (m.Order == DeliveryOrder.Total && !_total.TryGetFinal(m.Id, out _) && !log.TryGetFinal(next, out _)) break;
            h = next;
        }
        _viewState.Acks.AdvanceOwnStored(s, h);
        return h;
    }

    private bool SafeAcknowledged(DataMessage m) => Settings.Rules.SafeAcknowledged(this, m);

    /// <summary>This member and enough others (<see cref="GroupMemberSettings.SafeQuorum"/>: every member, or a strict majority) store <paramref name="m"/> and its final priority: the safe condition.</summary>
    internal bool QuorumStores(DataMessage m) => StoredByAtLeast(m, _viewState.Acks.Needed(Settings.SafeQuorum));

    /// <summary>This member and at least <paramref name="members"/> in all store <paramref name="m"/> and its final priority.</summary>
    internal bool StoredByAtLeast(DataMessage m, int members) =>
        AdvanceStored(m.Sender) >= m.Sequence && _viewState.Acks.StoredByAtLeast(m.Sender, m.Sequence, members);

    /// <summary>The safe wait applies only outside a flush commit: the decision alone decides what its cut delivers.</summary>
    private bool SafeWaitOver(DataMessage m) => !m.Safe || _viewState.Flush is FlushDelivery.Committing || SafeAcknowledged(m);

    /// <summary>
    /// Merges what <paramref name="peer"/> stores. Only the senders whose entry advanced and that have a safe message not
    /// yet delivered here are looked at again (and the ISIS head if it is safe), so an acknowledgement costs no full
    /// delivery pass unless it releases something.
    /// </summary>
    private void LearnPeerStored(int peer, ReadOnlySpan<long> stored)
    {
        var recheck = _viewState.Acks.LearnStored(peer, stored);
        if (!recheck || Mode is DeliveryMode.Frozen or DeliveryMode.CutOff) return;
        var progress = false;
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (_viewState.Acks.SafeAbove(s, _viewState.Logs[s].Delivered) && AdvanceSender(s)) progress = true;
        }
        if (_total.Head?.Message?.Safe == true && DeliverAgreedTotal()) progress = true;
        if (progress) Pump();
    }

    /// <summary>Whether some safe message of this view is not yet stable (its holders still acknowledge it).</summary>
    private bool SafePending() => _viewState.Acks.SafeUnstable(_viewState.Logs);

    /// <summary>A member that reported to a flush (or is cut off, stopped or joining) acknowledges nothing more.</summary>
    private bool MayAcknowledgeSafe => Phase == MemberPhase.Normal && !_viewState.Flush.DecidesNothing;

    /// <summary>This member's H for a gossip, if safe messages are pending and it may acknowledge them; else null.</summary>
    private VectorClock? StoredForGossip()
    {
        if (!MayAcknowledgeSafe || !SafePending()) return null;
        for (var s = 0; s < _viewState.Size; s++) AdvanceStored(s);
        _viewState.SafeAckDueAt = long.MaxValue;
        return _viewState.Acks.AcknowledgeStored();
    }

    /// <summary>After an input: if H now covers a safe message not yet acknowledged, acknowledge (at once, or after <see cref="GroupMemberSettings.SafeAckDelayMs"/>).</summary>
    private void AcknowledgeSafeIfDue()
    {
        if (!_viewState.Acks.AnySafe || !MayAcknowledgeSafe) return;
        if (_viewState.SafeAckDueAt == long.MaxValue)
        {
            if (!SafeAckCovers()) return;
            _viewState.SafeAckDueAt = _now + Settings.SafeAckDelayMs;
        }
        if (_viewState.SafeAckDueAt > _now) return;
        SendSafeAck();
    }

    private void SendSafeAck()
    {
        if (StoredForGossip() is not { } stored) return;
        _effects.Add(new SendToAll(new StabilityGossip(View.Id, VectorClock.Wrap((long[])ReportedDelivered().Clone())) { Held = stored }));
        _counters.SafeAcksSent++;
        _lastGossipAt = _now;
        _viewState.DeliveredChanged = false;
    }

    /// <summary>H covers (or may cover) a safe message beyond what this member last acknowledged.</summary>
    private bool SafeAckCovers()
    {
        for (var s = 0; s < _viewState.Size; s++)
        {
            var acknowledged = _viewState.Acks.AcknowledgedStored(s);
            if (_viewState.Acks.SafeAbove(s, acknowledged) && AdvanceStored(s) > acknowledged) return true;
        }
        return false;
    }

    /// <summary>An acknowledgement is due when the driver drains (delay 0).</summary>
    private bool SafeAckDueOnDrain => _viewState.Acks.AnySafe && MayAcknowledgeSafe && Settings.SafeAckDelayMs == 0 && SafeAckCovers();
}
