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

    /// <summary>
    /// The subscriber takes deliveries on demand: the group actor hands it a <see cref="Delivered"/> only against credit
    /// (<see cref="RequestDeliveries"/>) and keeps the rest in order, and the group counts a message as delivered here
    /// only once the subscriber was handed it. Stability, every sender's <c>max-unstable</c> bound and its
    /// <see cref="RefusalReason.BackPressure"/> answers then follow the slowest such reader: a reader that takes nothing
    /// stops the group's senders (see <see cref="ReaderStallTimeout"/>). What waits here is bounded by what the senders
    /// may have unstable: at most <c>max-unstable</c> messages per member of the view, per view whose deliveries the
    /// reader has not finished. The subscriber's mailbox order no longer marks a view boundary, so snapshots for joiners
    /// need <see cref="Stateless"/>, <see cref="SnapshotProvider"/> or <see cref="TakeSnapshot"/>. When the member stops,
    /// what still waits is handed over at once, then <see cref="GroupStopped"/>.
    /// </summary>
    public bool OnDemand { get; init; }

    /// <summary>
    /// With <see cref="OnDemand"/>: a member whose deliveries wait for a reader that gave no credit for this long leaves
    /// the group (logged), so the others' senders go on. Null (the default): never; the application must notice a stuck
    /// reader (its senders get <see cref="RefusalReason.BackPressure"/>; Akka's failure detector does not notice it).
    /// </summary>
    public TimeSpan? ReaderStallTimeout { get; init; }

    /// <summary>The subscriber gets the events of each turn of the group actor in one <see cref="Internal.GroupEventBatch"/> (the Streams source).</summary>
    internal bool BatchEvents { get; init; }

    internal void Validate()
    {
        var sources = (Stateless ? 1 : 0) + (SnapshotProvider is null ? 0 : 1) + (TakeSnapshot is null ? 0 : 1);
        if (sources > 1) throw new ArgumentException("Set at most one of Stateless, SnapshotProvider and TakeSnapshot.");
        if (OnDemand && sources == 0)
            throw new ArgumentException("An on-demand subscriber's mailbox does not mark the view boundary, so it cannot answer SnapshotRequests: set Stateless, SnapshotProvider or TakeSnapshot.");
        if (ReaderStallTimeout is { } stall && (!OnDemand || stall <= TimeSpan.Zero))
            throw new ArgumentException("ReaderStallTimeout needs OnDemand and a positive duration.");
        Protocol?.Validate();
    }
}
