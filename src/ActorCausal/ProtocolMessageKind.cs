namespace ActorCausal;

/// <summary>What a protocol message sent to a member is for: the key of <see cref="GroupStatus.ProtocolMessagesSentByKind"/>.</summary>
public enum ProtocolMessageKind
{
    /// <summary>A broadcast's first copy to a member.</summary>
    Data,
    /// <summary>A data message sent again to one member: in answer to a NAK, or to a member that has not proposed a priority for it.</summary>
    Retransmission,
    /// <summary>An ISIS priority proposal (one message, or a batch of several for the same recipient).</summary>
    Proposal,
    /// <summary>A proposal that asks the receiver for its own proposal or the final priority (a total-order retry).</summary>
    ProposalRetry,
    /// <summary>An ISIS final priority.</summary>
    Final,
    /// <summary>A retransmission request.</summary>
    Nak,
    /// <summary>Stability gossip (what the sender has delivered) without a safe-delivery acknowledgement.</summary>
    Gossip,
    /// <summary>Stability gossip carrying a safe-delivery acknowledgement (the sender's held vector).</summary>
    SafeAck,
    /// <summary>View change: flush request, report, prepare, acknowledgement, commit.</summary>
    Flush,
    /// <summary>Joining, leaving and merging views: welcome, leave request, merge probe, request, accept, offer, decline.</summary>
    Membership,
    /// <summary>A stability report: what the sender has delivered, sent to one member after a quarter of that member's unstable bound was delivered.</summary>
    StabilityReport,
    /// <summary>Symmetric total order: a member's clock, sent when it holds another member's total-order message it has not passed with a broadcast.</summary>
    Heartbeat,
}
