using ActorCausal.Protocol.Membership;

namespace ActorCausal;

// When the member may broadcast and be sure its messages go out now: at its first view. Broadcasts made before that are
// not refused but held (answered Held with a ticket, sent in order at admission, each announced by BroadcastReleased).
public sealed partial class CausalGroup
{
    /// <summary>
    /// Completes with the member's first view, once the group admitted this node (or it founded the group). Faults with
    /// <see cref="GroupNotAdmittedException"/> as soon as that can no longer happen: the join was refused, or the member
    /// stopped first (it left, its node was downed or left the cluster, the actor system terminated). It does not time
    /// out by itself: a node that never becomes Up in the cluster is still joining; bound the wait with
    /// <see cref="Task.WaitAsync(TimeSpan)"/>. Waiting for it is optional: a broadcast made before admission is answered
    /// <see cref="BroadcastOutcome.Held"/> and goes out, in order, right after admission.
    /// </summary>
    public Task<GroupView> Admitted => _handle.Admission.Task;
}
