using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Serialization;
using Akka.Event;

namespace ActorCausal.Internal;

// Before the member's first view its broadcasts are held here, as the protocol holds them during a view change: answered
// Held with a ticket, sent in order right after admission, each announced to the subscriber by BroadcastReleased. The
// protocol's tickets count up from 1; these count down from -1, so the two never meet. At most max-unstable are held
// (what the member could have unstable anyway); past that, BackPressure.
internal sealed partial class GroupActor
{
    private readonly List<(long Ticket, SerializedPayload Payload, DeliveryOrder Order)> _heldUntilAdmitted = new();
    /// <summary>A broadcast held before admission and held again by the protocol (a flush right after the first view): protocol ticket → ours.</summary>
    private readonly Dictionary<long, long> _admissionTickets = new();
    private long _lastAdmissionTicket;
    private bool _releaseAfterAdmission;

    private BroadcastReply HoldUntilAdmitted(SerializedPayload payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        if (deps.Length > 0)
            return BroadcastReply.Refused(_group, RefusalReason.UnknownDependency, "This node has not been admitted to the group yet, so it has delivered nothing to depend on.");
        if (_heldUntilAdmitted.Count >= _protocolSettings.MaxUnstable)
            return BroadcastReply.Refused(_group, RefusalReason.BackPressure,
                $"{_heldUntilAdmitted.Count} broadcasts already wait for this node's admission to the group (limit max-unstable {_protocolSettings.MaxUnstable}).");
        var ticket = --_lastAdmissionTicket;
        _heldUntilAdmitted.Add((ticket, payload, order));
        return BroadcastReply.Held(_group, ticket);
    }

    /// <summary>At the member's first view: completes the handle's Admitted; the held broadcasts go out after this batch of effects.</summary>
    private void OnAdmitted(GroupView view)
    {
        _handle.Admission.Admitted(view);
        _releaseAfterAdmission = _heldUntilAdmitted.Count > 0;
    }

    /// <summary>After the batch that installed the first view: sends what was held, in order, and processes the effects.</summary>
    private void ReleaseHeldUntilAdmitted()
    {
        if (!_releaseAfterAdmission) return;
        _releaseAfterAdmission = false;
        AdvanceTime();
        foreach (var (ticket, payload, order) in _heldUntilAdmitted)
        {
            var result = _member.Broadcast(payload, order, ImmutableArray<MessageId>.Empty);
            if (result.IsHeld) _admissionTickets[result.Ticket] = ticket;
            else if (result.Accepted) ToSubscriber(new BroadcastReleased(_group, ticket, result.Id) { Token = _position.TokenOf(result.Id) });
            else
            {
                // Not expected: at most max-unstable wait, into a fresh view. Logged and counted, never silent.
                _inputsRejected++;
                _log.Error("Group {0}: the broadcast held until admission (ticket {1}) was refused when released: {2} {3}. It was not sent.",
                    _group, ticket, result.Refusal, result.Reason);
            }
        }
        _heldUntilAdmitted.Clear();
        ProcessEffects();
    }

    /// <summary>The ticket the application was given for a broadcast the protocol held and has now sent.</summary>
    private long ApplicationTicket(long protocolTicket) =>
        _admissionTickets.Remove(protocolTicket, out var ours) ? ours : protocolTicket;

    /// <summary>The member stopped before admission: what was held is never sent (the subscriber gets GroupStopped).</summary>
    private void DropHeldUntilAdmitted(GroupStopped stopped)
    {
        _handle.Admission.NeverAdmitted(_group, stopped, $"the member stopped before it was admitted ({stopped.Reason}: {stopped.Detail})");
        if (_heldUntilAdmitted.Count == 0) return;
        _log.Warning("Group {0}: {1} broadcasts held until admission are not sent: the member stopped first ({2}).", _group, _heldUntilAdmitted.Count, stopped.Reason);
        _heldUntilAdmitted.Clear();
        _releaseAfterAdmission = false;
    }
}
