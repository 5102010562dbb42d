using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Receiving data messages into the per-sender queues (<see cref="SenderLog"/>s of the <see cref="ViewState"/>) and
/// delivering them: FIFO per sender, causal (BSS), explicit (named dependencies), total order through
/// <see cref="TotalOrdering"/>, nothing while cut off from a majority or held by a flush, only up to the cut while a
/// commit is applied.
/// </summary>
internal sealed class DeliveryQueues(IDeliveryHost host, GroupMemberSettings settings, MemberCounters counters,
    TotalOrdering total, DependencyIndex dependencies, HybridLogicalClock hlc)
{
    /// <summary>Members of the view other than this one that are not ACTIVE here.</summary>
    private int _unreachablePeers;

    public ReceiveOutcome OnData(MemberId from, DataMessage m)
    {
        var invalid = Validate(m);
        if (invalid is { } problem) return host.Reject(from, problem.Reason, problem.Detail);

        var v = host.ViewState;
        var s = m.Sender;
        var log = v.Logs[s];
        if (s == host.Rank)
        {
            if (m.Sequence > v.Seq) return host.Reject(from, RejectReason.Malformed, $"Message {m.Id} claims to come from this member, which never sent it.");
            counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (log.Contains(m.Sequence))
        {
            counters.Duplicates++;
            total.OnDuplicateData(m);
            return ReceiveOutcome.Duplicate;
        }
        if (m.Sequence > log.Delivered + settings.ReceiveWindow)
            return host.Reject(from, RejectReason.BeyondWindow, $"Message {m.Id} is beyond the receive window ({log.Delivered} delivered, window {settings.ReceiveWindow}).");
        foreach (var dep in m.DependsOn)
        {
            if (v.Logs[dep.Sender].Get(dep.Sequence) is { } depMessage && !VectorClock.LessOrEqual(depMessage.Clock.AsSpan(), m.Clock.AsSpan()))
                return host.Reject(from, RejectReason.InvalidDependency, $"Message {m.Id} depends on {dep}, whose clock is not in its past: the dependencies would form a cycle.");
        }

        var clock = hlc.Receive(m.Time, host.Now);
        if (clock.SkewExceeded)
        {
            counters.ClockSkewEvents++;
            host.Emit(new ClockSkewExceeded(from, clock.SkewMs));
        }

        log.Put(m, host.Now);
        host.NoteSafe(m);
        counters.Received++;
        host.LearnFrom(m);

        if (m.Sequence == log.ReadyUpTo + 1) Pump();
        if (log.Delivered < m.Sequence) counters.Delayed++;
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Why <paramref name="m"/> is not a well-formed data message of the view, or null.</summary>
    public (RejectReason Reason, string Detail)? Validate(DataMessage m)
    {
        var size = host.ViewState.Size;
        if (m.Sender < 0 || m.Sender >= size) return (RejectReason.Malformed, $"Sender rank {m.Sender} is outside {host.View}.");
        if (m.Sequence < 1) return (RejectReason.Malformed, $"Sequence number {m.Sequence} of {m.Id} is below 1.");
        if (m.Clock is null || m.Acks is null || m.Payload is null || !Enum.IsDefined(m.Order) || m.Order.IsSafe())
            return (RejectReason.Malformed, $"Message {m.Id} lacks a clock, acks, payload or a known order.");
        if (settings.TotalOrder == TotalOrderMode.Symmetric && !SymmetricPriority.Representable(m.Time))
            return (RejectReason.Malformed, $"Message {m.Id} carries clock {m.Time}, which symmetric total order cannot place.");
        if (m.Safe && m.Order is not (DeliveryOrder.Causal or DeliveryOrder.Total))
            return (RejectReason.Malformed, $"Message {m.Id} of order {m.Order} is marked safe; only causal and total-order messages can be.");
        if (m.Clock.Dimension != size || m.Acks.Dimension != size)
            return (RejectReason.WrongClockDimension, $"Message {m.Id} has clocks of dimension {m.Clock.Dimension}/{m.Acks.Dimension}, the view has {size} members.");
        if (m.Clock[m.Sender] != m.Sequence)
            return (RejectReason.Malformed, $"Message {m.Id} carries clock entry {m.Clock[m.Sender]} for its own sender.");
        if (m.Acks[m.Sender] >= m.Sequence)
            return (RejectReason.Malformed, $"Message {m.Id} claims its sender had delivered it before sending it.");
        if (!m.DependsOn.IsDefault && m.DependsOn.Length > 0)
        {
            if (m.Order != DeliveryOrder.Explicit) return (RejectReason.Malformed, $"Message {m.Id} of order {m.Order} names dependencies.");
            foreach (var dep in m.DependsOn)
            {
                var outside = dep.ViewId != m.ViewId || dep.Sender < 0 || dep.Sender >= size || dep.Sequence < 1
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
    public void Pump()
    {
        if (Mode is DeliveryMode.Frozen or DeliveryMode.CutOff) return;
        bool progress;
        do
        {
            progress = false;
            for (var s = 0; s < host.ViewState.Size; s++)
            {
                if (AdvanceSender(s)) progress = true;
            }
            if (total.QueueCount > 0 && host.DeliverAgreedTotal()) progress = true;
        }
        while (progress);
    }

    public DeliveryMode Mode
    {
        get
        {
            var v = host.ViewState;
            return v.Flush is FlushDelivery.Committing ? DeliveryMode.ApplyingCommit
                : v.Flush.DecidesNothing ? DeliveryMode.Frozen
                : v.Size > 1 && (v.Size - _unreachablePeers) * 2 <= v.Size ? DeliveryMode.CutOff
                : DeliveryMode.Normal;
        }
    }

    /// <summary><paramref name="unreachablePeers"/> members of the view other than this one are not ACTIVE here; delivery resumes if that ends a cut-off.</summary>
    public void Reachability(int unreachablePeers)
    {
        var before = Mode;
        _unreachablePeers = unreachablePeers;
        if (before == DeliveryMode.CutOff && Mode == DeliveryMode.Normal) Pump();
    }

    /// <summary>Delivers (or queues for total order) the deliverable head of sender <paramref name="s"/>'s queue, repeatedly; true if any.</summary>
    public bool AdvanceSender(int s)
    {
        var v = host.ViewState;
        var log = v.Logs[s];
        var progress = false;
        var limit = v.Flush is FlushDelivery.Committing c ? c.Cut[s] : long.MaxValue;
        while (log.ReadyUpTo < limit && log.Get(log.ReadyUpTo + 1) is { } next)
        {
            if (next.Order == DeliveryOrder.Total)
            {
                if (!host.CausallyReady(next)) break;
                log.ReadyUpTo++;
                host.ProcessedInOrder(next);
                total.Enqueue(next);
            }
            else
            {
                if (log.ReadyUpTo != log.Delivered || !Deliverable(next) || !host.SafeWaitOver(next)) break;
                log.ReadyUpTo++;
                host.ProcessedInOrder(next);
                Deliver(next);
            }
            progress = true;
        }
        return progress;
    }

    private bool Deliverable(DataMessage m) => m.Order switch
    {
        DeliveryOrder.Fifo => true,
        DeliveryOrder.Causal => host.CausallyReady(m),
        DeliveryOrder.Explicit => DependenciesDelivered(m),
        _ => false,
    };

    /// <summary>The BSS condition for entries other than the sender's (FIFO covers the sender's own entry).</summary>
    public bool CausalPastDelivered(DataMessage m)
    {
        var clock = m.Clock.AsSpan();
        var delivered = host.ViewState.Delivered;
        for (var k = 0; k < clock.Length; k++)
        {
            if (k != m.Sender && clock[k] > delivered[k] && !LostBeyondCut(k, clock[k])) return false;
        }
        return true;
    }

    /// <summary>While a flush commit is applied, messages of rank k beyond the cut are lost for good (see Decide): no wait for them.</summary>
    private bool LostBeyondCut(int k, long sequence)
    {
        var v = host.ViewState;
        return v.Flush is FlushDelivery.Committing c && c.LostBeyondCut(k, sequence, v.Delivered[k]);
    }

    private bool DependenciesDelivered(DataMessage m)
    {
        var delivered = host.ViewState.Delivered;
        foreach (var dep in m.DependsOn)
        {
            if (delivered[dep.Sender] < dep.Sequence && !LostBeyondCut(dep.Sender, dep.Sequence)) return false;
        }
        return true;
    }

    /// <summary>Delivers <paramref name="m"/> now: its sender's queue, the delivered vector and this member's knowledge advance.</summary>
    public void Deliver(DataMessage m)
    {
        var v = host.ViewState;
        var log = v.Logs[m.Sender];
        log.Delivered = m.Sequence;
        if (log.ReadyUpTo < m.Sequence) log.ReadyUpTo = m.Sequence;
        v.Acks.MarkDelivered(m.Sender, m.Sequence);
        VectorClock.MergeInto(v.Knowledge, m.Clock.AsSpan());
        v.DeliveredChanged = true;
        counters.CountDelivery(host.Now - log.ReceivedAt(m.Sequence), m.Safe);
        if (m.Order == DeliveryOrder.Explicit) dependencies.Add(m.Id, m.DependsOn);
        host.Emit(new Deliver(m, host.View.Members[m.Sender]));
    }
}
