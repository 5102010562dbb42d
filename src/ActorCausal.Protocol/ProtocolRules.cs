using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
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

    /// <summary>The coordinator starts a flush round when the membership it wants differs from the view.</summary>
    public virtual void ChangeView(GroupMember member) => member.ChangeViewByAgreement();

    /// <summary>A flush round just started with the coordinator's own report: collect the participants' reports.</summary>
    public virtual void CollectReports(GroupMember member, FlushCoordination round) => member.RequestReports(round);

    /// <summary>A peer asked for messages it lacks.</summary>
    public virtual void AnswerNak(GroupMember member, MemberId from, Nak nak) => member.Retransmit(from, nak);

    /// <summary>Three-step total order: a member whose proposal is missing gets the message again.</summary>
    public virtual void ResendForProposal(GroupMember member, int rank, DataMessage m) => member.ResendForProposal(rank, m);

    /// <summary>This member proposed a priority for a total-order message: share it, the final priority is agreed later.</summary>
    public virtual void OwnProposalMade(GroupMember member, TotalEntry entry, DataMessage m, Priority proposal) =>
        member.ShareProposal(m, proposal);

    /// <summary>Every member of the view stores a safe message (and its final priority).</summary>
    public virtual bool SafeAcknowledged(GroupMember member, DataMessage m) => member.AllMembersStore(m);
}
