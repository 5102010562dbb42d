namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="LossRepair"/> needs from its member beyond the <see cref="IViewContext"/>.</summary>
internal interface ILossRepairHost : IViewContext
{
    /// <summary>The member of rank <paramref name="rank"/> is ACTIVE here (not suspected, downed or removed).</summary>
    bool IsActive(int rank);
}
