using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Safe (uniform) delivery. Each member keeps a held vector H: H[s] = how many of rank s's messages (a prefix) it holds,
// every total-order one with its final priority. Members exchange H (StabilityGossip.Held, at once when it covers a new
// safe message, and with the gossip while safe messages are unstable). A safe message m of s is delivered only when its
// ordering condition holds and every member's H[s] >= m's sequence number. A member keeps what it holds until it is
// stable, so every survivor reports m to the flush and the decision's cut includes it: whoever delivered m, every
// member that installs the next view delivers it. A member that reported to a flush acknowledges nothing more, so no
// acknowledgement ever claims more than the reports the decision is made from. See docs/protocol.md, Safe delivery.
public sealed partial class GroupMember
{
    /// <summary>Per member k, what k is known to hold (H_k); entry Rank is this member's own H, advanced by <see cref="AdvanceHeld"/>.</summary>
    private long[][] _peerHeld = [];
    private long[] _holds = [];
    /// <summary>The H this member last sent.</summary>
    private long[] _holdsSent = [];
    /// <summary>Per sender, the highest sequence number of a safe message seen in this view (0: none).</summary>
    private long[] _lastSafe = [];
    private bool _anySafe;
    private long _safeAckDueAt = long.MaxValue;
    private long _safeDelivered;
    private long _safeAcksSent;

    private void ResetSafeForView()
    {
        _peerHeld = new long[_size][];
        for (var k = 0; k < _size; k++) _peerHeld[k] = new long[_size];
        _holds = _peerHeld[Rank];
        _holdsSent = new long[_size];
        _lastSafe = new long[_size];
        _anySafe = false;
        _safeAckDueAt = long.MaxValue;
    }

    /// <summary>A safe message was sent or received here: its holders must say so.</summary>
    private void NoteSafe(DataMessage m)
    {
        if (!m.Safe) return;
        if (m.Sequence > _lastSafe[m.Sender]) _lastSafe[m.Sender] = m.Sequence;
        _anySafe = true;
    }

    /// <summary>Advances this member's H[s] over the messages of s it holds, each total-order one only once its final is known.</summary>
    private long AdvanceHeld(int s)
    {
        var log = _logs[s];
        var h = Math.Max(_holds[s], log.Delivered);
        while (true)
        {
            var next = h + 1;
            if (log.Get(next) is not { } m) break;
            if (m.Order == DeliveryOrder.Total && !(_total.TryGetValue(m.Id, out var entry) && entry.IsFinal) && !log.TryGetFinal(next, out _)) break;
            h = next;
        }
        _holds[s] = h;
        return h;
    }

    private bool SafeAcknowledged(DataMessage m) => Settings.Rules.SafeAcknowledged(this, m);

    /// <summary>Every member of the view holds <paramref name="m"/> (and its final priority): the safe condition.</summary>
    internal bool AllMembersHold(DataMessage m)
    {
        var s = m.Sender;
        if (AdvanceHeld(s) < m.Sequence) return false;
        for (var k = 0; k < _size; k++)
        {
            if (_peerHeld[k][s] < m.Sequence) return false;
        }
        return true;
    }

    /// <summary>The safe wait applies only outside a flush commit: the decision alone decides what its cut delivers.</summary>
    private bool SafeWaitOver(DataMessage m) => !m.Safe || _flushDelivery is FlushDelivery.Committing || SafeAcknowledged(m);

    /// <summary>
    /// Merges what <paramref name="peer"/> holds. Only the senders whose entry advanced and that have a safe message not yet
    /// delivered here are looked at again (and the ISIS head if it is safe), so an acknowledgement costs no full delivery
    /// pass unless it releases something.
    /// </summary>
    private void LearnPeerHeld(int peer, ReadOnlySpan<long> held)
    {
        var row = _peerHeld[peer];
        var recheck = false;
        for (var s = 0; s < _size; s++)
        {
            if (held[s] <= row[s]) continue;
            row[s] = held[s];
            if (_lastSafe[s] > _logs[s].Delivered) recheck = true;
        }
        if (!recheck || Mode is DeliveryMode.Frozen or DeliveryMode.CutOff) return;
        var progress = false;
        for (var s = 0; s < _size; s++)
        {
            if (_lastSafe[s] > _logs[s].Delivered && AdvanceSender(s)) progress = true;
        }
        if (_totalQueue.Count > 0 && _totalQueue.Min!.Message?.Safe == true && DeliverAgreedTotal()) progress = true;
        if (progress) Pump();
    }

    /// <summary>Whether some safe message of this view is not yet stable (its holders still acknowledge it).</summary>
    private bool SafePending()
    {
        if (!_anySafe) return false;
        for (var s = 0; s < _size; s++)
        {
            if (_lastSafe[s] > _logs[s].Stable) return true;
        }
        _anySafe = false;
        return false;
    }

    /// <summary>A member that reported to a flush (or is cut off, stopped or joining) acknowledges nothing more.</summary>
    private bool MayAcknowledgeSafe => _phase == MemberPhase.Normal && !_flushDelivery.DecidesNothing;

    /// <summary>This member's H for a gossip, if safe messages are pending and it may acknowledge them; else null.</summary>
    private VectorClock? HeldForGossip()
    {
        if (!MayAcknowledgeSafe || !SafePending()) return null;
        for (var s = 0; s < _size; s++) AdvanceHeld(s);
        Array.Copy(_holds, _holdsSent, _size);
        _safeAckDueAt = long.MaxValue;
        return VectorClock.Wrap((long[])_holds.Clone());
    }

    /// <summary>After an input: if H now covers a safe message not yet acknowledged, acknowledge (at once, or after <see cref="GroupMemberSettings.SafeAckDelayMs"/>).</summary>
    private void AcknowledgeSafeIfDue()
    {
        if (!_anySafe || !MayAcknowledgeSafe) return;
        if (_safeAckDueAt == long.MaxValue)
        {
            if (!SafeAckCovers()) return;
            _safeAckDueAt = _now + Settings.SafeAckDelayMs;
        }
        if (_safeAckDueAt > _now) return;
        SendSafeAck();
    }

    private void SendSafeAck()
    {
        if (HeldForGossip() is not { } held) return;
        _effects.Add(new SendToAll(new StabilityGossip(View.Id, VectorClock.Wrap((long[])_delivered.Clone())) { Held = held }));
        _safeAcksSent++;
        _lastGossipAt = _now;
        _deliveredChanged = false;
    }

    /// <summary>H covers (or may cover) a safe message beyond what this member last acknowledged.</summary>
    private bool SafeAckCovers()
    {
        for (var s = 0; s < _size; s++)
        {
            if (_lastSafe[s] > _holdsSent[s] && AdvanceHeld(s) > _holdsSent[s]) return true;
        }
        return false;
    }

    /// <summary>An acknowledgement is due when the driver drains (delay 0).</summary>
    private bool SafeAckDueOnDrain => _anySafe && MayAcknowledgeSafe && Settings.SafeAckDelayMs == 0 && SafeAckCovers();
}
