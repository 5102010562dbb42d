namespace ActorCausal.Protocol;

/// <summary>How total-order priorities are agreed (every member of a group must use the same).</summary>
public enum TotalOrderMode
{
    /// <summary>Classic ISIS: proposals go to the sender, which sends the final priority (three message delays).</summary>
    ThreeStep,
    /// <summary>Proposals go to every member and each decides once it has them all (two message delays, more messages).</summary>
    TwoStep,
}
