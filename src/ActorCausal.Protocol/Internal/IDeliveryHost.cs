using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="DeliveryQueues"/> needs from its member beyond the <see cref="IViewContext"/>: the ordering and safe conditions it does not own, and loss detection.</summary>
internal interface IDeliveryHost : IViewContext
{
    /// <summary>The causal condition as the member's <see cref="ProtocolRules"/> state it.</summary>
    bool CausallyReady(DataMessage m);
    bool SafeWaitOver(DataMessage m);
    /// <summary>Delivers total-order messages whose order is agreed; true if any was.</summary>
    bool DeliverAgreedTotal();
    /// <summary>A safe message was received here.</summary>
    void NoteSafe(DataMessage m);
    /// <summary>A received message's clocks: what its sender delivered and which messages exist.</summary>
    void LearnFrom(DataMessage m);
    /// <summary>A sender's next message in sequence order was queued for total order (called just before) or delivered.</summary>
    void ProcessedInOrder(DataMessage m) { }
}
