using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Safe (uniform) delivery at one member: what it stores, what the others store, when a safe message may be delivered,
/// and when to acknowledge.
/// </summary>
/// <remarks>
/// Each member keeps a stored vector H: H[s] = how many of rank s's messages (a prefix) it stores, every total-order one
/// with its final priority. Members exchange H (the wire field StabilityGossip.Held, at once when it covers a new safe
/// message, and with the gossip while safe messages are unstable); the AcknowledgementMatrix keeps every member's. A safe
/// message m of s is delivered only when its ordering condition holds and every member's H[s] >= m's sequence number
/// (with SafeQuorum.Majority: a strict majority's, this member's included). A member keeps what it stores until it is
/// stable, so the flush's participants report m (every one; under majority at least one, provided at least half of the
/// view takes part) and the decision's cut includes it: whoever delivered m, every member that installs the next view
/// delivers it. A member that reported to a flush acknowledges nothing more, so no acknowledgement ever claims more than
/// the reports the decision is made from. See docs/protocol.md, Safe delivery.
/// </remarks>
internal sealed class SafeDelivery(ISafeDeliveryHost host, GroupMemberSettings settings, MemberCounters counters, TotalOrdering total, DeliveryQueues delivery)
{
    /// <summary>A safe message was sent or received here: the members that store it must say so.</summary>
    public void Note(DataMessage m)
    {
        if (m.Safe) host.ViewState.Acks.NoteSafe(m.Sender, m.Sequence);
    }

    /// <summary>Advances this member's H[s] over the messages of s it stores, each total-order one only once its final is known.</summary>
    private long AdvanceStored(int s)
    {
        var v = host.ViewState;
        var log = v.Logs[s];
        var h = Math.Max(v.Acks.Stored[s], log.Delivered);
        while (true)
        {
            var next = h + 1;
            if (log.Get(next) is not { } m) break;
            if (m.Order == DeliveryOrder.Total && !total.TryGetFinal(m.Id, out _) && !log.TryGetFinal(next, out _)) break;
            h = next;
        }
        v.Acks.AdvanceOwnStored(s, h);
        return h;
    }

    /// <summary>This member and enough others (<see cref="GroupMemberSettings.SafeQuorum"/>: every member, or a strict majority) store <paramref name="m"/> and its final priority: the safe condition.</summary>
    public bool QuorumStores(DataMessage m) => StoredByAtLeast(m, host.ViewState.Acks.Needed(settings.SafeQuorum));

    /// <summary>This member and at least <paramref name="members"/> in all store <paramref name="m"/> and its final priority.</summary>
    public bool StoredByAtLeast(DataMessage m, int members) =>
        AdvanceStored(m.Sender) >= m.Sequence && host.ViewState.Acks.StoredByAtLeast(m.Sender, m.Sequence, members);

    /// <summary>The safe wait applies only outside a flush commit: the decision alone decides what its cut delivers.</summary>
    public bool WaitOver(DataMessage m) => !m.Safe || host.ViewState.Flush is FlushDelivery.Committing || host.SafeAcknowledged(m);

    /// <summary>
    /// Merges what <paramref name="peer"/> stores. Only the senders whose entry advanced and that have a safe message not
    /// yet delivered here are looked at again (and the ISIS head if it is safe), so an acknowledgement costs no full
    /// delivery pass unless it releases something.
    /// </summary>
    public void LearnPeerStored(int peer, ReadOnlySpan<long> stored)
    {
        var v = host.ViewState;
        var recheck = v.Acks.LearnStored(peer, stored);
        if (!recheck || delivery.Mode is DeliveryMode.Frozen or DeliveryMode.CutOff) return;
        var progress = false;
        for (var s = 0; s < v.Size; s++)
        {
            if (v.Acks.SafeAbove(s, v.Logs[s].Delivered) && delivery.AdvanceSender(s)) progress = true;
        }
        if (total.Head?.Message?.Safe == true && host.DeliverAgreedTotal()) progress = true;
        if (progress) delivery.Pump();
    }

    /// <summary>Whether some safe message of this view is not yet stable (its holders still acknowledge it).</summary>
    private bool Pending => host.ViewState.Acks.SafeUnstable(host.ViewState.Logs);

    /// <summary>A member that reported to a flush (or is cut off, stopped or joining) acknowledges nothing more.</summary>
    private bool MayAcknowledge => host.Phase == MemberPhase.Normal && !host.ViewState.Flush.DecidesNothing;

    /// <summary>This member's H for a gossip, if safe messages are pending and it may acknowledge them; else null.</summary>
    public VectorClock? StoredForGossip()
    {
        if (!MayAcknowledge || !Pending) return null;
        var v = host.ViewState;
        for (var s = 0; s < v.Size; s++) AdvanceStored(s);
        v.SafeAckDueAt = long.MaxValue;
        return v.Acks.AcknowledgeStored();
    }

    /// <summary>After an input: if H now covers a safe message not yet acknowledged, acknowledge (at once, or after <see cref="GroupMemberSettings.SafeAckDelayMs"/>).</summary>
    public void AcknowledgeIfDue()
    {
        var v = host.ViewState;
        if (!v.Acks.AnySafe || !MayAcknowledge) return;
        if (v.SafeAckDueAt == long.MaxValue)
        {
            if (!AckCovers()) return;
            v.SafeAckDueAt = host.Now + settings.SafeAckDelayMs;
        }
        if (v.SafeAckDueAt > host.Now) return;
        SendAck();
    }

    private void SendAck()
    {
        if (StoredForGossip() is not { } stored) return;
        host.Emit(new SendToAll(new StabilityGossip(host.View.Id, VectorClock.Wrap((long[])host.ReportedDelivered().Clone())) { Held = stored }));
        counters.SafeAcksSent++;
        host.LastGossipAt = host.Now;
        host.ViewState.DeliveredChanged = false;
    }

    /// <summary>H covers (or may cover) a safe message beyond what this member last acknowledged.</summary>
    private bool AckCovers()
    {
        var acks = host.ViewState.Acks;
        for (var s = 0; s < host.ViewState.Size; s++)
        {
            var acknowledged = acks.AcknowledgedStored(s);
            if (acks.SafeAbove(s, acknowledged) && AdvanceStored(s) > acknowledged) return true;
        }
        return false;
    }

    /// <summary>An acknowledgement is due when the driver drains (delay 0).</summary>
    public bool AckDueOnDrain => host.ViewState.Acks.AnySafe && MayAcknowledge && settings.SafeAckDelayMs == 0 && AckCovers();
}
