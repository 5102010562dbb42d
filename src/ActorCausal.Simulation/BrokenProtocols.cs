using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation;

/// <summary>
/// Deliberately broken protocol variants, each differing from <see cref="ProtocolRules.Correct"/> at one decision point,
/// for the tests that show the invariant checker catches them. Pass one as <see cref="GroupMemberSettings.Rules"/>.
/// </summary>
internal static class BrokenProtocols
{
    /// <summary>Deliver causal (and total) messages as soon as they are FIFO-next, ignoring the rest of the clock.</summary>
    public static readonly ProtocolRules SkipCausalCheck = new SkipCausalCheckRules();

    /// <summary>Deliver a total-order message as soon as this member has proposed for it.</summary>
    public static readonly ProtocolRules DeliverTotalOnProposal = new DeliverTotalOnProposalRules();

    /// <summary>Answer no NAK and resend nothing for missing proposals.</summary>
    public static readonly ProtocolRules DropRetransmissions = new DropRetransmissionsRules();

    /// <summary>The coordinator installs the next view from its own state, without collecting the survivors' messages.</summary>
    public static readonly ProtocolRules SkipFlush = new SkipFlushRules();

    /// <summary>Every member installs the next view on its own as soon as it learns of the change.</summary>
    public static readonly ProtocolRules InstallWithoutAgreement = new InstallWithoutAgreementRules();

    /// <summary>Deliver safe messages by their ordering condition alone, without waiting until every member holds them.</summary>
    public static readonly ProtocolRules SkipSafeWait = new SkipSafeWaitRules();

    /// <summary>Deliver safe messages once half of the view (rounded down, this member included) stores them: a quorum that need not meet every side the resolver keeps.</summary>
    public static readonly ProtocolRules MinoritySafeQuorum = new MinoritySafeQuorumRules();

    /// <summary>
    /// The flush treats a message lost with removed members as never sent for every sender, leavers included: it delivers
    /// a leaving member's message whose causal past is lost (an orphan), as the protocol did before the orphan rule.
    /// </summary>
    public static readonly ProtocolRules DeliverOrphans = new DeliverOrphansRules();

    /// <summary>A joiner founds on the founding delay alone (no ack, no older announcer), whatever the cluster's other nodes answered: the rule before issue 13.</summary>
    public static readonly ProtocolRules FoundOnTimeout = new FoundOnTimeoutRules();

    private sealed class FoundOnTimeoutRules : ProtocolRules
    {
        public override bool MayFound(GroupMember member) => true;
    }

    private sealed class DeliverOrphansRules : ProtocolRules
    {
        public override bool FlushKeeps(DataMessage m, long[] cut, bool[] reported, bool[] stays) =>
            FlushDecider.PastMet(m, cut.Length, (k, seq) => seq <= cut[k] || !reported[k]);
    }

    private sealed class SkipCausalCheckRules : ProtocolRules
    {
        public override bool CausallyReady(GroupMember member, DataMessage m) => true;

        public override bool FlushReady(DataMessage m, int size, Func<int, long, bool> known) =>
            m.Order is DeliveryOrder.Causal or DeliveryOrder.Total || base.FlushReady(m, size, known);
    }

    private sealed class DeliverTotalOnProposalRules : ProtocolRules
    {
        public override bool AgreesOnPriority => false;
    }

    private sealed class DropRetransmissionsRules : ProtocolRules
    {
        public override bool Retransmits => false;
    }

    private sealed class SkipFlushRules : ProtocolRules
    {
        public override bool CollectsReports => false;
    }

    private sealed class InstallWithoutAgreementRules : ProtocolRules
    {
        public override bool ChangesViewByAgreement => false;
    }

    private sealed class SkipSafeWaitRules : ProtocolRules
    {
        public override bool SafeAcknowledged(GroupMember member, DataMessage m) => true;
    }

    private sealed class MinoritySafeQuorumRules : ProtocolRules
    {
        public override bool SafeAcknowledged(GroupMember member, DataMessage m) => member.StoredByAtLeast(m, Math.Max(1, member.View.Size / 2));
    }
}
