using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

/// <summary>A snapshot of a member's counters and buffers.</summary>
public sealed record MemberStatus
{
    /// <summary>This member's id.</summary>
    public required MemberId Self { get; init; }
    /// <summary>The id of the installed view.</summary>
    public required long ViewId { get; init; }
    /// <summary>The number of members in the installed view.</summary>
    public required int ViewSize { get; init; }
    /// <summary>Where the member is in its life cycle (joining, member, flushing, stopped...).</summary>
    public MemberPhase Phase { get; init; }
    /// <summary>How this member sees each member of its view: ACTIVE, SUSPECTED (unreachable, no view change yet) or FAILED (removed).</summary>
    public ImmutableDictionary<MemberId, MemberState> Members { get; init; } = ImmutableDictionary<MemberId, MemberState>.Empty;
    /// <summary>Views installed here after the first.</summary>
    public long ViewChanges { get; init; }
    /// <summary>Broadcasts accepted during a view change, waiting for the next view.</summary>
    public int HeldBroadcasts { get; init; }
    /// <summary>Broadcasts this member accepted.</summary>
    public long Sent { get; init; }
    /// <summary>Distinct data messages received from others (duplicates excluded).</summary>
    public long Received { get; init; }
    /// <summary>Messages delivered to the application, own ones included.</summary>
    public long Delivered { get; init; }
    /// <summary>Messages that could not be delivered on arrival and waited in the hold-back queue.</summary>
    public long Delayed { get; init; }
    /// <summary>Messages received and not yet delivered.</summary>
    public int PendingNow { get; init; }
    /// <summary>Delivered messages kept until they are stable, for retransmission.</summary>
    public int UnstableBuffered { get; init; }
    /// <summary>Messages sent again in answer to retransmission requests.</summary>
    public long Retransmitted { get; init; }
    /// <summary>Retransmission requests (NAKs) this member sent.</summary>
    public long NaksSent { get; init; }
    /// <summary>Data messages received again (ignored).</summary>
    public long Duplicates { get; init; }
    /// <summary>Broadcasts this member refused.</summary>
    public long Refused { get; init; }
    /// <summary>Remote clock readings ahead by more than the skew bound (counted, not merged).</summary>
    public long ClockSkewEvents { get; init; }
    /// <summary>Mean time from receipt (or broadcast, for own messages) to delivery, in Tick milliseconds.</summary>
    public double AvgDeliveryDelayMs { get; init; }
    /// <summary>Longest time from receipt (or broadcast) to delivery, in Tick milliseconds.</summary>
    public long MaxDeliveryDelayMs { get; init; }
    /// <summary>Refused inputs by reason.</summary>
    public ImmutableDictionary<RejectReason, long> Rejected { get; init; } = ImmutableDictionary<RejectReason, long>.Empty;
    /// <summary>Safe messages delivered here (each only once every member of its view held it, or by a flush decision).</summary>
    public long SafeDelivered { get; init; }
    /// <summary>Safe-delivery acknowledgements (held vectors) this member sent at once, not counting those carried by periodic gossip.</summary>
    public long SafeAcksSent { get; init; }
    /// <summary>Stability reports this member sent to one sender (its delivered vector, after a quarter of that sender's unstable bound was delivered here), not counting gossip to all.</summary>
    public long StabilityReportsSent { get; init; }
    /// <summary>View changes under <see cref="SafeQuorum.Majority"/> decided from fewer than half of the closing view's reports (<see cref="ViewChangedByMinority"/>): majority-safe uniformity is not proven for that view.</summary>
    public long ViewChangesByMinority { get; init; }
    /// <summary>Refused inputs, all reasons.</summary>
    public long RejectedTotal => Rejected.Values.Sum();
}
