namespace ActorCausal.Protocol;

/// <summary>Why <see cref="GroupMember.Broadcast"/> refused a broadcast.</summary>
public enum BroadcastRefusal
{
    /// <summary>Not refused.</summary>
    None = 0,
    /// <summary>Too many of this member's messages are not yet stable; retry after deliveries catch up.</summary>
    BackPressure,
    /// <summary>A named dependency is not a message this member has delivered, so it might never arrive elsewhere.</summary>
    UnknownDependency,
    /// <summary>This member has not been admitted to the group yet.</summary>
    NotAMember,
    /// <summary>This member left, was downed or was excluded; it sends nothing more.</summary>
    Stopped,
}

/// <summary>
/// The answer to <see cref="GroupMember.Broadcast"/>: sent with its id, held during a view change (it goes out in the
/// next view and <see cref="HeldBroadcastSent"/> tells its id), or refused with the reason.
/// </summary>
public readonly record struct BroadcastResult(MessageId Id, BroadcastRefusal Refusal, string? Reason, long Ticket = 0)
{
    /// <summary>Sent now or held (not refused).</summary>
    public bool Accepted => Refusal == BroadcastRefusal.None;

    /// <summary>Accepted but held until the view change ends; <see cref="Id"/> is not known yet.</summary>
    public bool IsHeld => Accepted && Ticket != 0;

    /// <summary>Sent now with <paramref name="id"/>.</summary>
    public static BroadcastResult Sent(MessageId id) => new(id, BroadcastRefusal.None, null);
    /// <summary>Held until the view change ends, known by <paramref name="ticket"/>.</summary>
    public static BroadcastResult Held(long ticket) => new(default, BroadcastRefusal.None, null, ticket);
    /// <summary>Refused for <paramref name="refusal"/>, with <paramref name="reason"/> in words.</summary>
    public static BroadcastResult Refused(BroadcastRefusal refusal, string reason) => new(default, refusal, reason);
}
