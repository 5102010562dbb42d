using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

/// <summary>A snapshot of a member's counters and buffers.</summary>
public sealed record MemberStatus
{
    public required MemberId Self { get; init; }
    public required long ViewId { get; init; }
    public required int ViewSize { get; init; }
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
    public long Delivered { get; init; }
    /// <summary>Messages that could not be delivered on arrival and waited in the hold-back queue.</summary>
    public long Delayed { get; init; }
    /// <summary>Messages received and not yet delivered.</summary>
    public int PendingNow { get; init; }
    /// <summary>Delivered messages kept until they are stable, for retransmission.</summary>
    public int UnstableBuffered { get; init; }
    public long Retransmitted { get; init; }
    public long NaksSent { get; init; }
    public long Duplicates { get; init; }
    public long Refused { get; init; }
    public long ClockSkewEvents { get; init; }
    /// <summary>Mean time from receipt (or broadcast, for own messages) to delivery, in Tick milliseconds.</summary>
    public double AvgDeliveryDelayMs { get; init; }
    public long MaxDeliveryDelayMs { get; init; }
    public ImmutableDictionary<RejectReason, long> Rejected { get; init; } = ImmutableDictionary<RejectReason, long>.Empty;
    public long RejectedTotal => Rejected.Values.Sum();
}
