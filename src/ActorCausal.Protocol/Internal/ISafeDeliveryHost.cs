using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="SafeDelivery"/> needs from its member beyond the <see cref="IViewContext"/>.</summary>
internal interface ISafeDeliveryHost : IViewContext
{
    MemberPhase Phase { get; }
    /// <summary>Set when this member told every member its delivered vector (a safe acknowledgement carries it).</summary>
    long LastGossipAt { set; }

    /// <summary>What this member reports as delivered (an acknowledgement carries it).</summary>
    long[] ReportedDelivered();
    /// <summary>The safe condition as the member's <see cref="ProtocolRules"/> state it.</summary>
    bool SafeAcknowledged(DataMessage m);
    /// <summary>Delivers total-order messages whose order is agreed; true if any was.</summary>
    bool DeliverAgreedTotal();
}
