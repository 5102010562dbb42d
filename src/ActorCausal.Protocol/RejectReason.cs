namespace ActorCausal.Protocol;

/// <summary>Why a received message was refused. Each is counted in <see cref="MemberStatus.Rejected"/>.</summary>
public enum RejectReason
{
    /// <summary>Not refused.</summary>
    None = 0,
    /// <summary>The transport sender is not a member of the current view.</summary>
    NotAMember,
    /// <summary>The message belongs to an earlier view.</summary>
    StaleView,
    /// <summary>The message belongs to a view this member has not installed.</summary>
    FutureView,
    /// <summary>A vector clock whose dimension is not the view's size.</summary>
    WrongClockDimension,
    /// <summary>A rank outside the view, a sequence number below 1, or a clock that contradicts the sequence number.</summary>
    Malformed,
    /// <summary>A sequence number further beyond the delivered prefix than the receive window allows.</summary>
    BeyondWindow,
    /// <summary>A dependency that is not in the message's causal past, or that would close a cycle.</summary>
    InvalidDependency,
    /// <summary>A proposal or final for a message this member does not know and cannot expect.</summary>
    UnknownMessage,
    /// <summary>A flush message whose decision or report does not fit the view, or names messages this member cannot deliver as decided.</summary>
    MalformedFlush,
}
