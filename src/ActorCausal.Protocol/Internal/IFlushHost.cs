using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="FlushParticipant"/> and <see cref="FlushChecks"/> need from their member beyond the <see cref="IMemberContext"/>.</summary>
internal interface IFlushHost : IMemberContext
{
    /// <summary>This member's delivered vector.</summary>
    long[] Delivered { get; }
    /// <summary>Total-order messages heard of and not delivered (their finals go into a report).</summary>
    IEnumerable<TotalEntry> OpenTotals { get; }
    long MaxAgreed { get; }
    /// <summary>Whether a flush holds this member's delivery.</summary>
    FlushDelivery Delivery { get; set; }

    /// <summary>Why a data message is not a well-formed message of the view, or null.</summary>
    string? DataProblem(DataMessage m);
    /// <summary>The member's phase becomes flushing.</summary>
    void EnterFlushing();
    /// <summary>What the coordinator adds to a decision it makes (the merge target and sides).</summary>
    FlushDecision WithMerge(FlushDecision decision);
    void ApplyCommit(FlushCommit commit);
}
