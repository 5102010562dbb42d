using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="TotalOrdering"/> needs from its member beyond the <see cref="IMemberContext"/>: the acknowledgements, the flush, and delivery.</summary>
internal interface ITotalOrderHost : IMemberContext
{
    AcknowledgementMatrix Acks { get; }
    /// <summary>This member reported to a flush: the flush decision orders what is still open.</summary>
    bool FlushDecidesNothing { get; }

    /// <summary>A message of <paramref name="sender"/> is known to exist beyond what was received.</summary>
    void StartGapTimer(int sender);
    /// <summary>Delivers whatever became deliverable.</summary>
    void Pump();
    bool SafeWaitOver(DataMessage m);
    void Deliver(DataMessage m);
}
