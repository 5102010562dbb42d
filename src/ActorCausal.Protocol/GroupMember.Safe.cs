using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Safe (uniform) delivery is SafeDelivery's (Internal/SafeDelivery.cs); the member answers what it asks through
// ISafeDeliveryHost. See docs/protocol.md, Safe delivery.
public sealed partial class GroupMember : ISafeDeliveryHost
{
    private readonly SafeDelivery _safe;

    /// <summary>This member and enough others (<see cref="GroupMemberSettings.SafeQuorum"/>: every member, or a strict majority) store <paramref name="m"/> and its final priority: the safe condition.</summary>
    internal bool QuorumStores(DataMessage m) => _safe.QuorumStores(m);

    /// <summary>This member and at least <paramref name="members"/> in all store <paramref name="m"/> and its final priority.</summary>
    internal bool StoredByAtLeast(DataMessage m, int members) => _safe.StoredByAtLeast(m, members);

    private bool SafeWaitOver(DataMessage m) => _safe.WaitOver(m);

    long ISafeDeliveryHost.LastGossipAt { set => _lastGossipAt = value; }
    long[] ISafeDeliveryHost.ReportedDelivered() => ReportedDelivered();
    bool ISafeDeliveryHost.SafeAcknowledged(DataMessage m) => Settings.Rules.SafeAcknowledged(this, m);
    bool ISafeDeliveryHost.DeliverAgreedTotal() => DeliverAgreedTotal();
}
