namespace ActorCausal.Protocol;

public enum TotalOrderMode
{
    /// <summary>Classic ISIS: proposals go to the sender, which sends the final priority (three message delays).</summary>
    ThreeStep,
    /// <summary>Proposals go to every member and each decides once it has them all (two message delays, more messages).</summary>
    TwoStep,
}
