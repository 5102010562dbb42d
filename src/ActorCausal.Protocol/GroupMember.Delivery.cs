using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Receiving data messages and the per-sender hold-back queues.
public sealed partial class GroupMember
{
    private ReceiveOutcome OnData(MemberId from, int fromRank, DataMessage m)
    {
        var invalid = ValidateData(m);
        if (invalid is { } problem) return Reject(from, problem.Reason, problem.Detail);

        var s = m.Sender;
        var log = _viewState.Logs[s];
        if (s == Rank)
        {
            if (m.Sequence > _viewState.Seq) return Reject(from, RejectReason.Malformed, $"Message {m.Id} claims to come from this member, which never sent it.");
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (log.Contains(m.Sequence))
        {
            _counters.Duplicates++;
            _total.OnDuplicateData(m);
            return ReceiveOutcome.Duplicate;
        }
        if (m.Sequence > log.Delivered + Settings.ReceiveWindow)
            return Reject(from, RejectReason.BeyondWindow, $"Message {m.Id} is beyond the receive window ({log.Delivered} delivered, window {Settings.ReceiveWindow}).");
        foreach (var dep in m.DependsOn)
        {
            if (_viewState.Logs[dep.Sender].Get(dep.Sequence) is { } depMessage && !VectorClock.LessOrEqual(depMessage.Clock.AsSpan(), m.Clock.AsSpan()))
                return Reject(from, RejectReason.InvalidDependency, $"Message {m.Id} depends on {dep}, whose clock is not in its past: the dependencies would form a cycle.");
        }

        var hlc = _hlc.Receive(m.Time, _now);
        if (hlc.SkewExceeded)
        {
            _counters.ClockSkewEvents++;
            _effects.Add(new ClockSkewExceeded(from, hlc.SkewMs));
        }

        log.Put(m, _now);
        NoteSafe(m);
        _counters.Received++;
        LearnPeerDelivered(m.Sender, m.Acks.AsSpan());
        LearnExistence(m.Clock.AsSpan(), reporter: m.Sender);
        if (log.HasGap) StartGapTimer(s);

        if (m.Sequence == log.ReadyUpTo + 1) Pump();
        if (log.Delivered < m.Sequence) _counters.Delayed++;
        return ReceiveOutcome.Accepted;
    }

    private (RejectReason Reason, string Detail)? ValidateData(DataMessage m)
    {
        if (m.Sender < 0 || m.Sender >= _viewState.Size) return (RejectReason.Malformed, $"Sender rank {m.Sender} is outside {View}.");
        if (m.Sequence < 1) return (RejectReason.Malformed, $"Sequence number {m.Sequence} of {m.Id} is below 1.");
        if (m.Clock is null || m.Acks is null || m.Payload is null || !Enum.IsDefined(m.Order) || m.Order.IsSafe())
            return (RejectReason.Malformed, $"Message {m.Id} lacks a clock, acks, payload or a known order.");
        if (m.Safe && m.Order is not (DeliveryOrder.Causal or DeliveryOrder.Total))
            return (RejectReason.Malformed, $"Message {m.Id} of order {m.Order} is marked safe; only causal and total-order messages can be.");
        if (m.Clock.Dimension != _viewState.Size || m.Acks.Dimension != _viewState.Size)
            return (RejectReason.WrongClockDimension, $"Message {m.Id} has clocks of dimension {m.Clock.Dimension}/{m.Acks.Dimension}, the view has {_viewState.Size} members.");
        if (m.Clock[m.Sender] != m.Sequence)
            return (RejectReason.Malformed, $"Message {m.Id} carries clock entry {m.Clock[m.Sender]} for its own sender.");
        if (m.Acks[m.Sender] >= m.Sequence)
            return (RejectReason.Malformed, $"Message {m.Id} claims its sender had delivered it before sending it.");
        if (!m.DependsOn.IsDefault && m.DependsOn.Length > 0)
        {
            if (m.Order != DeliveryOrder.Explicit) return (RejectReason.Malformed, $"Message {m.Id} of order {m.Order} names dependencies.");
            foreach (var dep in m.DependsOn)
            {
                var outside = dep.ViewId != m.ViewId || dep.Sender < 0 || dep.Sender >= _viewState.Size || dep.Sequence < 1
                    || dep.Sequence > m.Clock[dep.Sender] || (dep.Sender == m.Sender && dep.Sequence >= m.Sequence);
                if (outside) return (RejectReason.InvalidDependency, $"Message {m.Id} depends on {dep}, which is not in its causal past.");
            }
        }
        else if (m.DependsOn.IsDefault)
        {
            return (RejectReason.Malformed, $"Message {m.Id} has no dependency list.");
        }
        return null;
    }

    /// <summary>
    /// Delivers everything deliverable. Each pass looks only at the head of each sender's queue (and the head of the
    /// ISIS queue); it repeats while a pass delivered something, since one delivery can unblock another sender's head.
    /// </summary>
    private void Pump()
    {
        if (Mode is DeliveryMode.Frozen or DeliveryMode.CutOff) return;
        bool progress;
        do
        {
            progress = false;
            for (var s = 0; s < _viewState.Size; s++)
            {
                if (AdvanceSender(s)) progress = true;
            }
            if (_total.QueueCount > 0 && DeliverAgreedTotal()) progress = true;
        }
        while (progress);
    }

    /// <summary>How this member delivers right now.</summary>
    private enum DeliveryMode
    {
        /// <summary>By the delivery conditions, as messages arrive.</summary>
        Normal,
        /// <summary>
        /// A majority of the view is unreachable (suspected, downed or removed) from here: this member may be on the side
        /// the resolver downs, or paused until the majority moved on, so it delivers nothing (its broadcasts wait) until
        /// reachability returns or a view change decides. This bounds what a member on the losing side delivers that the
        /// others never will.
        /// </summary>
        CutOff,
        /// <summary>It reported to a flush: only the flush's decision delivers now.</summary>
        Frozen,
        /// <summary>Applying a flush commit: exactly the decided messages, up to the cut.</summary>
        ApplyingCommit,
    }

    private DeliveryMode Mode =>
        _viewState.Flush is FlushDelivery.Committing ? DeliveryMode.ApplyingCommit
        : _viewState.Flush.DecidesNothing ? DeliveryMode.Frozen
        : _viewState.Size > 1 && (_viewState.Size - _unreachablePeers) * 2 <= _viewState.Size ? DeliveryMode.CutOff
        : DeliveryMode.Normal;

    /// <summary>Members of the view other than this one that are not ACTIVE here.</summary>
    private int _unreachablePeers;

    private void RecountReachability()
    {
        var before = Mode;
        _unreachablePeers = 0;
        foreach (var m in View.Members)
        {
            if (m != Self && StateOf(m) != MemberState.Active) _unreachablePeers++;
        }
        if (before == DeliveryMode.CutOff && Mode == DeliveryMode.Normal) Pump();
    }

    private bool AdvanceSender(int s)
    {
        var log = _viewState.Logs[s];
        var progress = false;
        var limit = _viewState.Flush is FlushDelivery.Committing c ? c.Cut[s] : long.MaxValue;
        while (log.ReadyUpTo < limit && log.Get(log.ReadyUpTo + 1) is { } next)
        {
            if (next.Order == DeliveryOrder.Total)
            {
                if (!CausallyReady(next)) break;
                log.ReadyUpTo++;
                _total.Enqueue(next);
            }
            else
            {
                if (log.ReadyUpTo != log.Delivered || !Deliverable(next) || !SafeWaitOver(next)) break;
                log.ReadyUpTo++;
                DeliverNow(next);
            }
            progress = true;
        }
        return progress;
    }

    private bool Deliverable(DataMessage m) => m.Order switch
    {
        DeliveryOrder.Fifo => true,
        DeliveryOrder.Causal => CausallyReady(m),
        DeliveryOrder.Explicit => DependenciesDelivered(m),
        _ => false,
    };

    private bool CausallyReady(DataMessage m) => Settings.Rules.CausallyReady(this, m);

    /// <summary>The BSS condition for entries other than the sender's (FIFO covers the sender's own entry).</summary>
    internal bool CausalPastDelivered(DataMessage m)
    {
        var clock = m.Clock.AsSpan();
        var delivered = _viewState.Delivered;
        for (var k = 0; k < clock.Length; k++)
        {
            if (k != m.Sender && clock[k] > delivered[k] && !LostBeyondCut(k, clock[k])) return false;
        }
        return true;
    }

    /// <summary>While a flush commit is applied, messages of rank k beyond the cut are lost for good (see Decide): no wait for them.</summary>
    private bool LostBeyondCut(int k, long sequence) => _viewState.Flush is FlushDelivery.Committing c && c.LostBeyondCut(k, sequence, _viewState.Delivered[k]);

    private bool DependenciesDelivered(DataMessage m)
    {
        foreach (var dep in m.DependsOn)
        {
            if (_viewState.Delivered[dep.Sender] < dep.Sequence && !LostBeyondCut(dep.Sender, dep.Sequence)) return false;
        }
        return true;
    }

    private void DeliverNow(DataMessage m)
    {
        var log = _viewState.Logs[m.Sender];
        log.Delivered = m.Sequence;
        if (log.ReadyUpTo < m.Sequence) log.ReadyUpTo = m.Sequence;
        _viewState.Acks.MarkDelivered(m.Sender, m.Sequence);
        VectorClock.MergeInto(_viewState.Knowledge, m.Clock.AsSpan());
        _viewState.DeliveredChanged = true;
        _counters.CountDelivery(_now - log.ReceivedAt(m.Sequence), m.Safe);
        if (m.Order == DeliveryOrder.Explicit) _dependencies.Add(m.Id, m.DependsOn);
        _effects.Add(new Deliver(m, View.Members[m.Sender]));
    }
}
