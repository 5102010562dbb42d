namespace ActorCausal;

/// <summary>
/// Credit from an on-demand subscriber (<see cref="JoinOptions.OnDemand"/>): the group actor may hand it
/// <see cref="Count"/> more <see cref="Delivered"/>. Tell it to the group actor (the sender of the group's events, or
/// <see cref="CausalGroup.Ref"/>); credits add up. Only deliveries take credit: the other events reach the subscriber as
/// soon as the deliveries before them did. A count below 1 is refused (logged and counted in
/// <see cref="GroupStatus.InputsRejected"/>).
/// </summary>
public sealed record RequestDeliveries(int Count);
