using ActorCausal.Protocol;
using Akka.Actor;

namespace ActorCausal;

/// <summary>
/// How this node's member of a group is set up (<see cref="CausalGroups.Join(string, IActorRef, JoinOptions)"/>): protocol
/// settings, and where the application state for joiners comes from.
/// </summary>
/// <remarks>
/// A joiner gets the state an old member had right after its last delivery of the old view. By default the group
/// actor asks the subscriber (<see cref="SnapshotRequest"/>, answered with <see cref="SnapshotResponse"/>); mailbox
/// order makes that exactly the view boundary. Set at most one of <see cref="Stateless"/>, <see cref="SnapshotProvider"/>
/// and <see cref="TakeSnapshot"/>.
/// </remarks>
public sealed record JoinOptions
{
    /// <summary>
    /// Replaces <c>actorcausal.protocol</c> whole for this group (a <c>new GroupMemberSettings</c> holds the code's defaults, not
    /// the configured values: start from <c>CausalGroups.Settings.Protocol with { ... }</c>); every member of a group must use
    /// the same total-order mode.
    /// </summary>
    public GroupMemberSettings? Protocol { get; init; }

    /// <summary>
    /// The application keeps no state that joiners need: no <see cref="SnapshotRequest"/> is made here (joiners admitted
    /// by this member get an empty snapshot at once, without waiting for <c>snapshot-timeout</c>) and this member's
    /// subscriber gets no <see cref="InstallSnapshot"/>.
    /// </summary>
    public bool Stateless { get; init; }

    /// <summary>
    /// An actor asked for snapshots (<see cref="SnapshotRequest"/> → <see cref="SnapshotResponse"/>) instead of the
    /// subscriber. It must answer with the state after exactly <see cref="SnapshotRequest.DeliveredBefore"/> deliveries.
    /// </summary>
    public IActorRef? SnapshotProvider { get; init; }

    /// <summary>
    /// Called on the group actor for each snapshot; the task must complete with the state after exactly
    /// <see cref="SnapshotRequest.DeliveredBefore"/> deliveries (the subscriber may still be applying the last ones, so
    /// wait until it has). Faulted, or not done within <c>snapshot-timeout</c>: an empty snapshot (logged, counted).
    /// </summary>
    public Func<SnapshotRequest, Task<ReadOnlyMemory<byte>>>? TakeSnapshot { get; init; }

    /// <summary>Overrides <c>actorcausal.verify-payloads</c> for this member: each payload is also deserialized at the sender, and one that does not come back is refused with <see cref="RefusalReason.PayloadNotSerializable"/>.</summary>
    public bool? VerifyPayloads { get; init; }

    internal void Validate()
    {
        var sources = (Stateless ? 1 : 0) + (SnapshotProvider is null ? 0 : 1) + (TakeSnapshot is null ? 0 : 1);
        if (sources > 1) throw new ArgumentException("Set at most one of Stateless, SnapshotProvider and TakeSnapshot.");
        Protocol?.Validate();
    }
}
