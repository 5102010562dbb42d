using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

public enum ViolationKind
{
    /// <summary>Invariant 1: a delivered message was never sent, or not by the member it is attributed to, or a history contradicts causality.</summary>
    Creation,
    /// <summary>Invariant 1: a member delivered the same message twice.</summary>
    Duplication,
    /// <summary>Invariant 2: a sender's messages were delivered out of its send order (or with a gap).</summary>
    Fifo,
    /// <summary>Invariant 3: a causal or total message was delivered before something that happened-before it.</summary>
    Causal,
    /// <summary>Invariant 3b: an explicit message was delivered before one of its named dependencies.</summary>
    Explicit,
    /// <summary>Invariant 4: two members delivered two total-order messages in opposite orders.</summary>
    Total,
    /// <summary>Invariant 5: a member did not deliver a message that was broadcast (checked at the end of a run).</summary>
    Validity,
    /// <summary>From the simulator's end-of-run facts: buffers of unstable messages were not empty when the run ended (StableAtEndCheck).</summary>
    UnstableBuffers,
    /// <summary>From the simulator's end-of-run facts: the protocol threw (ProtocolErrorCheck).</summary>
    Crash,
    /// <summary>
    /// Views: two members installed the same view id with different members, a member's view ids did not strictly
    /// increase or it skipped a view that names it, a member dropped from the views came back, or a message was sent or
    /// delivered outside its view (or with a sender rank that is not the sender's rank in that view).
    /// </summary>
    View,
    /// <summary>Invariant 6: two members that passed from view v to the same next view delivered different sets of view-v messages.</summary>
    VirtualSynchrony,
    /// <summary>Partition rule: a message sent after a split was delivered on both sides of it.</summary>
    Partition,
    /// <summary>A member delivered (or installed a view, or loaded a snapshot) after it stopped or crashed.</summary>
    AfterStop,
    /// <summary>A joiner's loaded snapshot differs from the state of a member that passed into that view from the previous one.</summary>
    Snapshot,
    /// <summary>
    /// Invariant 4 seen only through a member that did not stay correct (crashed, downed, left): it delivered two total-order
    /// messages in the opposite order of another member. Reported only with <see cref="CheckerOptions.UniformTotalOrder"/>.
    /// </summary>
    UniformTotal,
    /// <summary>From the simulator's end-of-run facts: at the end of a run with faults, correct members did not agree on one view, a flush was unfinished, or held broadcasts were never sent (LivenessAtEndCheck).</summary>
    Quiescence,
    /// <summary>From the cluster facts the simulator records at each install: a view left out a member that the cluster never removed and that never left (a suspicion alone must change no view), or named one that never asked to join (MembershipCheck).</summary>
    Membership,
    /// <summary>
    /// Invariant 8 (safe messages only, <see cref="Checks.UniformAgreementCheck"/>): a member, correct or not, delivered a safe
    /// message that a member passing to the next view (or a correct member at the end of a run) did not deliver, or two
    /// members, correct or not, delivered two safe total-order messages in opposite orders.
    /// </summary>
    UniformAgreement,
    /// <summary>Once the cluster is stable, the live members of one group name are not all in one view that holds exactly them (a split that never merged).</summary>
    OneViewPerName,
    /// <summary>Members of a group that closed its view to merge delivered different sets of that view's messages.</summary>
    MergeVirtualSynchrony,
    /// <summary>After a merge, a member's application state lacks a message that a member of either side delivered.</summary>
    MergeLostState,
    /// <summary>
    /// No orphans (<see cref="Checks.OrphanCheck"/>): a causal, total or explicit message of a member that left its view
    /// (not in the next view) was delivered by a member that never delivers its causal past or a named dependency of that view.
    /// </summary>
    Orphan,
    /// <summary>A member's group actor failed or stopped for no protocol reason (<see cref="FailedEvent"/>), and the test did not cause it (<see cref="Checks.GroupFailureCheck"/>).</summary>
    GroupFailed,
}

/// <summary>One broken invariant: which, at which member, and the messages involved (the earlier one first where there is an order).</summary>
public sealed record InvariantViolation(ViolationKind Kind, MemberId Member, ImmutableArray<MessageId> Messages, string Detail)
{
    public override string ToString() =>
        $"{Kind} at {Member}: [{string.Join(", ", Messages)}] {Detail}";
}
