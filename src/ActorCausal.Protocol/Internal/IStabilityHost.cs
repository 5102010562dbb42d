using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="Stability"/> needs from its member beyond the <see cref="IViewContext"/>.</summary>
internal interface IStabilityHost : IViewContext
{
    MemberPhase Phase { get; }
    /// <summary>Effects of this input batch not yet drained (a stability report is not sent where they already tell).</summary>
    IReadOnlyList<Effect> PendingEffects { get; }
    /// <summary>When this member last told every member its delivered vector (gossip or a safe acknowledgement).</summary>
    long LastGossipAt { get; set; }

    /// <summary>What this member reports as delivered: what its reader took when paced by it, else what it delivered.</summary>
    long[] ReportedDelivered();
    /// <summary>This member's stored vector for a gossip, if it acknowledges safe messages now; else null.</summary>
    VectorClock? StoredForGossip();
    /// <summary>Merges what <paramref name="peer"/> stores (safe delivery).</summary>
    void LearnPeerStored(int peer, ReadOnlySpan<long> stored);
}
