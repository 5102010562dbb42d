namespace ActorCausal.Protocol;

public enum BroadcastRefusal
{
    None = 0,
    /// <summary>Too many of this member's messages are not yet stable; retry after deliveries catch up.</summary>
    BackPressure,
    /// <summary>A named dependency is not a message this member has delivered, so it might never arrive elsewhere.</summary>
    UnknownDependency,
}

/// <summary>The answer to <see cref="GroupMember.Broadcast"/>: the message id, or why it was refused.</summary>
public readonly record struct BroadcastResult(MessageId Id, BroadcastRefusal Refusal, string? Reason)
{
    public bool Accepted => Refusal == BroadcastRefusal.None;
    public static BroadcastResult Sent(MessageId id) => new(id, BroadcastRefusal.None, null);
    public static BroadcastResult Refused(BroadcastRefusal refusal, string reason) => new(default, refusal, reason);
}
