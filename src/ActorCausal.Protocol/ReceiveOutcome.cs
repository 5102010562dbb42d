namespace ActorCausal.Protocol;

/// <summary>Whether <see cref="GroupMember.Receive"/> took an input (see <see cref="ReceiveOutcome"/>).</summary>
public enum ReceiveStatus
{
    /// <summary>Taken.</summary>
    Accepted,
    /// <summary>Already had it; ignored.</summary>
    Duplicate,
    /// <summary>Refused; see <see cref="ReceiveOutcome.Reason"/>.</summary>
    Rejected,
}

/// <summary>What <see cref="GroupMember.Receive"/> did with an input.</summary>
public readonly record struct ReceiveOutcome(ReceiveStatus Status, RejectReason Reason, string? Detail)
{
    /// <summary>Taken.</summary>
    public static ReceiveOutcome Accepted => new(ReceiveStatus.Accepted, RejectReason.None, null);
    /// <summary>Already had it; ignored.</summary>
    public static ReceiveOutcome Duplicate => new(ReceiveStatus.Duplicate, RejectReason.None, null);
    /// <summary>Refused for <paramref name="reason"/>, with <paramref name="detail"/> in words.</summary>
    public static ReceiveOutcome Rejected(RejectReason reason, string detail) => new(ReceiveStatus.Rejected, reason, detail);
}
