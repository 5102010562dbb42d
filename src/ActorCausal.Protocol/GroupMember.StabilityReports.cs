using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Receiver-driven stability reports. A sender learns that its messages are stable from what the others report
// delivered: piggy-backed on their data, or in the stability gossip every StabilityIntervalMs. A writer that fills its
// unstable bound faster than that interval, with no data coming back from the others, would wait for the gossip. So,
// at the end of each input batch, this member sends a sender its delivered vector (a StabilityGossip to that sender
// alone, without the safe acknowledgement) once it delivered (or its reader took) a quarter of the unstable bound more
// of that sender's messages than the sender was last told, unless this batch already tells it (own data or gossip to
// all). At most one report per sender per batch, one per quarter bound of the sender's messages: 4/MaxUnstable
// messages per delivered copy, driven by deliveries, never by a timer.
public sealed partial class GroupMember
{
    /// <summary>Sends the stability reports due after this batch (see the file's comment); called when effects are drained.</summary>
    private void SendDueStabilityReports()
    {
        if (Phase is MemberPhase.Joining or MemberPhase.Stopped || _viewState.Size < 2) return;
        var reports = _viewState.Reports;
        foreach (var effect in _effects)
        {
            if (effect is not SendToAll { Message: var m } || m.ViewId != View.Id) continue;
            if (m is DataMessage data && data.Sender == Rank) reports.ToldAll(data.Acks.AsSpan());
            else if (m is StabilityGossip gossip) reports.ToldAll(gossip.Delivered.AsSpan());
        }
        var reported = ReportedDelivered();
        var every = StabilityReports.Every(Settings.MaxUnstable);
        StabilityGossip? report = null;
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (!reports.Due(s, reported[s], every)) continue;
            report ??= new StabilityGossip(View.Id, VectorClock.Wrap((long[])reported.Clone()));
            _effects.Add(new Send(View.Members[s], report));
            reports.Told(s, reported[s]);
            _counters.StabilityReportsSent++;
        }
    }

    /// <summary>A report is due with no other effect pending (the reader took messages): the driver should drain.</summary>
    private bool StabilityReportDue =>
        Phase is not (MemberPhase.Joining or MemberPhase.Stopped) && _viewState.Size > 1
        && _viewState.Reports.AnyDue(ReportedDelivered(), StabilityReports.Every(Settings.MaxUnstable));
}
