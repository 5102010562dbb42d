namespace ActorCausal.Protocol;

public enum ReceiveStatus { Accepted, Duplicate, Rejected }

/// <summary>What <see cref="GroupMember.Receive"/> did with an input.</summary>
public readonly record struct ReceiveOutcome(ReceiveStatus Status, RejectReason Reason, string? Detail)
{
    public static ReceiveOutcome Accepted => new(ReceiveStatus.Accepted, RejectReason.None, null);
    public static ReceiveOutcome Duplicate => new(ReceiveStatus.Duplicate, RejectReason.None, null);
    public static ReceiveOutcome Rejected(RejectReason reason, string detail) => new(ReceiveStatus.Rejected, reason, detail);
}
