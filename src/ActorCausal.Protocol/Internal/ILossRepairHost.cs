namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="LossRepair"/> needs from its member beyond the <see cref="IMemberContext"/>.</summary>
internal interface ILossRepairHost : IMemberContext
{
    ViewState ViewState { get; }
    /// <summary>The member of rank <paramref name="rank"/> is ACTIVE here (not suspected, downed or removed).</summary>
    bool IsActive(int rank);
}
