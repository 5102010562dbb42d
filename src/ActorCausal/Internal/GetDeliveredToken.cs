namespace ActorCausal.Internal;

/// <summary>Asks the group actor for its delivered position (<see cref="CausalGroup.CurrentDeliveredToken"/>).</summary>
internal sealed class GetDeliveredToken
{
    public static readonly GetDeliveredToken Instance = new();
}
