namespace ActorCausal;

/// <summary>How a <see cref="CausalGroup.WaitForDelivered"/> ended.</summary>
public enum DeliveryWaitOutcome
{
    /// <summary>This member has delivered at least what the token names, in the token's view.</summary>
    Reached,
    /// <summary>
    /// This member is in a later view than the token's: every message of the token's view that will ever be delivered
    /// here was delivered (or came in the snapshot this member loaded when it joined). The wait succeeded.
    /// </summary>
    ViewPassed,
    /// <summary>The timeout passed first. The member may still get there; the token stays valid.</summary>
    TimedOut,
    /// <summary>This member stopped (left, downed, excluded, failed) or never joined before delivering as much; it delivers nothing more.</summary>
    Stopped,
    /// <summary>The token belongs to another group.</summary>
    WrongGroup,
    /// <summary>
    /// The token's view id is one this member installed with another membership (or another number of members): it comes
    /// from another lineage of the group (refounded, or formed apart and merged), so its entries mean nothing here.
    /// </summary>
    ViewMismatch,
}

/// <summary>
/// The answer to <see cref="CausalGroup.WaitForDelivered"/>: the <see cref="Outcome"/>, the token waited for and this
/// member's delivered position when the wait ended.
/// </summary>
public sealed record DeliveryWaitResult(string Group, DeliveryWaitOutcome Outcome, DeliveryToken Token, DeliveryToken Position, string? Detail)
{
    /// <summary>The member has delivered past the token (<see cref="DeliveryWaitOutcome.Reached"/> or <see cref="DeliveryWaitOutcome.ViewPassed"/>).</summary>
    public bool Succeeded => Outcome is DeliveryWaitOutcome.Reached or DeliveryWaitOutcome.ViewPassed;

    /// <summary>The outcome in words, for logs.</summary>
    public override string ToString() => Detail is null ? $"{Outcome} (at {Position})" : $"{Outcome}: {Detail}";
}
