using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka.Event;

namespace ActorCausal.Internal;

// Before the member's first view its broadcasts are held by HeldUntilAdmitted and released right after admission.
internal sealed partial class GroupActor
{
    private readonly HeldUntilAdmitted _heldUntilAdmitted;

    /// <summary>At the member's first view: completes the handle's Admitted; the held broadcasts go out after this batch of effects.</summary>
    private void OnAdmitted(GroupView view)
    {
        _handle.Admission.Admitted(view);
        _heldUntilAdmitted.Admitted();
    }

    /// <summary>After the batch that installed the first view: sends what was held, in order, and processes the effects.</summary>
    private void ReleaseHeldUntilAdmitted()
    {
        if (!_heldUntilAdmitted.ReleaseDue) return;
        AdvanceTime();
        _heldUntilAdmitted.Release((payload, order) => _member.Broadcast(payload, order, ImmutableArray<MessageId>.Empty),
            (ticket, id) => ToSubscriber(new BroadcastReleased(_group, ticket, id) { Token = _position.TokenOf(id) }));
        ProcessEffects();
    }

    /// <summary>The member stopped before admission: what was held is never sent (the subscriber gets GroupStopped).</summary>
    private void DropHeldUntilAdmitted(GroupStopped stopped)
    {
        _handle.Admission.NeverAdmitted(_group, stopped, $"the member stopped before it was admitted ({stopped.Reason}: {stopped.Detail})");
        if (_heldUntilAdmitted.Drop() is var dropped and > 0)
            _log.Warning("Group {0}: {1} broadcasts held until admission are not sent: the member stopped first ({2}).", _group, dropped, stopped.Reason);
    }
}
