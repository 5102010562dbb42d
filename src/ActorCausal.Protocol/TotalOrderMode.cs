namespace ActorCausal.Protocol;

/// <summary>How total-order priorities are agreed (every member of a group must use the same).</summary>
public enum TotalOrderMode
{
    /// <summary>Classic ISIS: proposals go to the sender, which sends the final priority (three message delays).</summary>
    ThreeStep,
    /// <summary>Proposals go to every member and each decides once it has them all (two message delays, more messages).</summary>
    TwoStep,
    /// <summary>
    /// No agreement messages: a message's place is its sender's hybrid logical clock stamp and rank, delivered once every
    /// member's stream has passed that stamp; members with nothing to send announce their clock (<see cref="Messages.ClockHeartbeat"/>).
    /// Delivery waits for the slowest member.
    /// </summary>
    Symmetric,
}
