using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Loss repair (gaps, NAKs, retransmission) is LossRepair's (Internal/LossRepair.cs); stability (gossip, stability
// reports, buffer release) is Stability's (Internal/Stability.cs). Here the member's clock advances.
public sealed partial class GroupMember : ILossRepairHost, IStabilityHost
{
    private readonly LossRepair _repair;
    private readonly Stability _stability;
    private long _lastGossipAt;

    /// <summary>Advances time to <paramref name="nowMs"/>: NAKs, total-order retries, stability gossip and buffer cleanup happen here.</summary>
    public void Tick(long nowMs)
    {
        if (nowMs > _now) _now = nowMs;
        if (Phase == MemberPhase.Joining) JoinTick();
        if (Phase is MemberPhase.Stopped or MemberPhase.Joining) return;
        _repair.SendDueNaks();
        _total.RetryUndecidedIfDue();
        Symmetric?.Tick();
        if (_viewState.SafeAckDueAt <= _now) _safe.AcknowledgeIfDue();
        _stability.Recompute();
        _stability.GossipIfDue();
        _flush.Tick();
        _starter.RequestLeaveIfDue();
        _installer.SendWelcomesIfDue();
        _merging.Tick();
    }

    private void StartGapTimer(int sender) => _repair.StartGapTimer(sender);

    bool ILossRepairHost.IsActive(int rank) => StateOf(View.Members[rank]) == MemberState.Active;
    IReadOnlyList<Effect> IStabilityHost.PendingEffects => _effects;
    long IStabilityHost.LastGossipAt { get => _lastGossipAt; set => _lastGossipAt = value; }
    long[] IStabilityHost.ReportedDelivered() => ReportedDelivered();
    VectorClock? IStabilityHost.StoredForGossip() => _safe.StoredForGossip();
    void IStabilityHost.LearnPeerStored(int peer, ReadOnlySpan<long> stored) => _safe.LearnPeerStored(peer, stored);
}
