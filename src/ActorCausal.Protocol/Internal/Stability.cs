using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Stability in a view: what every member delivered (piggy-backed on data, gossiped, or reported to a sender alone)
/// decides which messages leave every buffer.
/// </summary>
/// <remarks>
/// Receiver-driven stability reports: a sender learns that its messages are stable from what the others report
/// delivered: piggy-backed on their data, or in the stability gossip every StabilityIntervalMs. A writer that fills its
/// unstable bound faster than that interval, with no data coming back from the others, would wait for the gossip. So,
/// at the end of each input batch, this member sends a sender its delivered vector (a StabilityGossip to that sender
/// alone, without the safe acknowledgement) once it delivered (or its reader took) a quarter of the unstable bound more
/// of that sender's messages than the sender was last told, unless this batch already tells it (own data or gossip to
/// all). At most one report per sender per batch, one per quarter bound of the sender's messages: 4/MaxUnstable
/// messages per delivered copy, driven by deliveries, never by a timer.
/// </remarks>
internal sealed class Stability(IStabilityHost host, GroupMemberSettings settings, MemberCounters counters, LossRepair repair)
{
    public ReceiveOutcome OnGossip(MemberId from, int fromRank, StabilityGossip gossip)
    {
        var v = host.ViewState;
        if (gossip.Delivered is null || gossip.Delivered.Dimension != v.Size)
            return host.Reject(from, RejectReason.WrongClockDimension, $"Stability gossip of dimension {gossip.Delivered?.Dimension} in a view of {v.Size}.");
        if (gossip.Delivered[host.Rank] > v.Seq)
            return host.Reject(from, RejectReason.Malformed, $"Stability gossip claims {gossip.Delivered[host.Rank]} messages of this member delivered; it sent {v.Seq}.");
        if (gossip.Held is { } stored)
        {
            if (stored.Dimension != v.Size)
                return host.Reject(from, RejectReason.WrongClockDimension, $"Safe acknowledgement of dimension {stored.Dimension} in a view of {v.Size}.");
            if (stored[host.Rank] > v.Seq)
                return host.Reject(from, RejectReason.Malformed, $"Safe acknowledgement claims {stored[host.Rank]} messages of this member stored; it sent {v.Seq}.");
            host.LearnPeerStored(fromRank, stored.AsSpan());
            // A safe message is delivered nowhere before every member stores it, so only H names a lost last one. Only the gossiper's
            // own entry counts: its data went out before this gossip on the same FIFO link, so it is lost, not in flight.
            repair.LearnExistence(fromRank, stored[fromRank], fromSender: true);
        }
        LearnPeerDelivered(fromRank, gossip.Delivered.AsSpan());
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Learns from a peer's delivered vector (piggy-backed or gossiped) for stability.</summary>
    public void LearnPeerDelivered(int peer, ReadOnlySpan<long> delivered)
    {
        host.ViewState.Acks.LearnDelivered(peer, delivered);
        host.LearnPeerStored(peer, delivered); // delivered implies stored, with the final
        repair.LearnExistence(delivered, reporter: peer);
    }

    /// <summary>A message delivered by every member (taken by every reader, see <see cref="GroupMember.Consumed"/>) is stable: it leaves every buffer.</summary>
    public void Recompute()
    {
        var v = host.ViewState;
        var own = host.ReportedDelivered();
        for (var s = 0; s < v.Size; s++)
        {
            v.Logs[s].ReleaseUpTo(v.Acks.StableUpTo(s, own[s]));
        }
    }

    public void GossipIfDue()
    {
        var v = host.ViewState;
        var since = host.Now - host.LastGossipAt;
        var active = v.DeliveredChanged || BuffersUnstable(v);
        if (since < (active ? settings.StabilityIntervalMs : settings.IdleGossipIntervalMs)) return;
        host.Emit(new SendToAll(new StabilityGossip(host.View.Id, VectorClock.Wrap((long[])host.ReportedDelivered().Clone())) { Held = host.StoredForGossip() }));
        host.LastGossipAt = host.Now;
        v.DeliveredChanged = false;
    }

    private static bool BuffersUnstable(ViewState v)
    {
        foreach (var log in v.Logs)
        {
            if (log.Count > 0) return true;
        }
        return false;
    }

    /// <summary>Sends the stability reports due after this batch (see the remarks); called when effects are drained.</summary>
    public void SendDueReports()
    {
        var v = host.ViewState;
        if (host.Phase is MemberPhase.Joining or MemberPhase.Stopped || v.Size < 2) return;
        var reports = v.Reports;
        foreach (var effect in host.PendingEffects)
        {
            if (effect is not SendToAll { Message: var m } || m.ViewId != host.View.Id) continue;
            if (m is DataMessage data && data.Sender == host.Rank) reports.ToldAll(data.Acks.AsSpan());
            else if (m is StabilityGossip gossip) reports.ToldAll(gossip.Delivered.AsSpan());
        }
        var reported = host.ReportedDelivered();
        var every = StabilityReports.Every(settings.MaxUnstable);
        StabilityGossip? report = null;
        for (var s = 0; s < v.Size; s++)
        {
            if (!reports.Due(s, reported[s], every)) continue;
            report ??= new StabilityGossip(host.View.Id, VectorClock.Wrap((long[])reported.Clone()));
            host.Emit(new Send(host.View.Members[s], report));
            reports.Told(s, reported[s]);
            counters.StabilityReportsSent++;
        }
    }

    /// <summary>A report is due with no other effect pending (the reader took messages): the driver should drain.</summary>
    public bool ReportDue =>
        host.Phase is not (MemberPhase.Joining or MemberPhase.Stopped) && host.ViewState.Size > 1
        && host.ViewState.Reports.AnyDue(host.ReportedDelivered(), StabilityReports.Every(settings.MaxUnstable));
}
