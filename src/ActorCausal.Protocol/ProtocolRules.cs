using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

/// <summary>
/// The few decision points where a deliberately broken protocol differs from the correct one, so that tests and the
/// simulator can show the invariant checker catches each break. This class is the correct protocol; broken variants
/// derive from it outside this assembly (ActorCausal.Simulation's <c>BrokenProtocols</c>) and are passed through
/// <see cref="GroupMemberSettings.Rules"/>. Production code never selects anything but <see cref="Correct"/>.
/// </summary>
internal class ProtocolRules
{
    public static readonly ProtocolRules Correct = new();

    /// <summary>The BSS condition for a causal or total message outside a flush: everything it happened after is delivered.</summary>
    public virtual bool CausallyReady(GroupMember member, DataMessage m) => member.CausalPastDelivered(m);

    /// <summary>The same condition while checking a flush decision: <paramref name="known"/> tells what is delivered or lost by then.</summary>
    public virtual bool FlushReady(DataMessage m, int size, Func<int, long, bool> known) => FlushDecider.PastMet(m, size, known);

    /// <summary>
    /// The flush decision keeps <paramref name="m"/> inside the cut: its past is inside, or lost where its sender stays
    /// (<see cref="FlushDecider.InsideCut"/>; <paramref name="reported"/> and <paramref name="stays"/> by rank).
    /// </summary>
    public virtual bool FlushKeeps(DataMessage m, long[] cut, bool[] reported, bool[] stays) => FlushDecider.InsideCut(m, cut, reported, stays);

    /// <summary>
    /// A joiner that waited the founding delay without an ack or an older announcer may found the group only if every
    /// reachable Up node it was told of answered that it runs no member and no older joiner (GroupMember.Founding.cs).
    /// </summary>
    public virtual bool MayFound(GroupMember member) => member.NoPeerBlocksFounding();

    /// <summary>
    /// A view changes only by a flush round the coordinator runs when the membership it wants differs from the view.
    /// False: every member installs the view it wants on its own, from its own report (FlushParticipant.InstallAlone).
    /// </summary>
    public virtual bool ChangesViewByAgreement => true;

    /// <summary>
    /// A flush round's coordinator collects every participant's report before it decides. False: it decides and commits
    /// from its own report alone (FlushParticipant.CommitAlone).
    /// </summary>
    public virtual bool CollectsReports => true;

    /// <summary>What a peer NAKs, and a three-step message whose proposal is missing, is sent again. False: never.</summary>
    public virtual bool Retransmits => true;

    /// <summary>A total-order message's priority is agreed by all members' proposals. False: this member's own proposal is final at once.</summary>
    public virtual bool AgreesOnPriority => true;

    /// <summary>Every member of the view (or a strict majority, <see cref="GroupMemberSettings.SafeQuorum"/>) stores a safe message (and its final priority).</summary>
    public virtual bool SafeAcknowledged(GroupMember member, DataMessage m) => member.QuorumStores(m);
}
