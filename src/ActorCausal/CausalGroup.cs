using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Serialization;
using Akka.Actor;

namespace ActorCausal;

/// <summary>
/// This node's membership in one group: broadcast, status and leave. The subscriber given to
/// <see cref="CausalGroups.Join"/> receives the group's events (<see cref="Delivered"/>, <see cref="ViewChanged"/>, ...).
/// Thread-safe.
/// </summary>
public sealed class CausalGroup
{
    private readonly ActorSystem _system;
    private readonly TimeSpan _askTimeout;

    internal CausalGroup(ActorSystem system, string name, IActorRef subscriber, Task<IActorRef> groupActor, TimeSpan askTimeout)
    {
        _system = system;
        Name = name;
        Subscriber = subscriber;
        Ref = groupActor;
        _askTimeout = askTimeout;
    }

    public string Name { get; }

    public IActorRef Subscriber { get; }

    /// <summary>
    /// The group actor, once started. An actor may Tell it <see cref="ActorCausal.Broadcast"/>, <see cref="GetGroupStatus"/> and
    /// <see cref="LeaveGroup"/> directly; replies then arrive in the group's local order relative to its deliveries.
    /// Faults if the group could not be started (for example it is already joined on this node).
    /// </summary>
    public Task<IActorRef> Ref { get; }

    /// <summary>
    /// Broadcasts <paramref name="payload"/> with <paramref name="order"/>; <paramref name="dependsOn"/> only with
    /// <see cref="DeliveryOrder.Explicit"/>. The payload is serialized here, once, with Akka serialization. The reply says
    /// whether it was sent (with its id), held during a view change, or refused and why; it never throws for a refusal.
    /// </summary>
    public async Task<BroadcastReply> Broadcast(object payload, DeliveryOrder order = DeliveryOrder.Causal,
        IEnumerable<MessageId>? dependsOn = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        SerializedPayload serialized;
        try
        {
            serialized = PayloadSerialization.Serialize(_system.Serialization, payload);
        }
        catch (Exception e)
        {
            return BroadcastReply.Refused(Name, RefusalReason.PayloadNotSerializable, $"{payload.GetType().FullName} could not be serialized: {e.Message}");
        }
        var group = await Ref.ConfigureAwait(false);
        var deps = dependsOn?.ToImmutableArray() ?? ImmutableArray<MessageId>.Empty;
        return await group.Ask<BroadcastReply>(new Broadcast(serialized, order, deps), _askTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's state and counters on this node.</summary>
    public async Task<GroupStatus> Status(CancellationToken cancellationToken = default)
    {
        var group = await Ref.ConfigureAwait(false);
        return await group.Ask<GroupStatus>(GetGroupStatus.Instance, _askTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Leaves the group: this member's messages are delivered, the group installs a view without it, and the group
    /// actor stops. Completes with the <see cref="GroupStopped"/> the subscriber also receives. Gives up after
    /// <c>actorcausal.leave-timeout</c>.
    /// </summary>
    public async Task<GroupStopped> Leave(CancellationToken cancellationToken = default)
    {
        var group = await Ref.ConfigureAwait(false);
        var settings = CausalGroups.Get(_system).Settings;
        return await group.Ask<GroupStopped>(LeaveGroup.Instance, settings.LeaveTimeout + _askTimeout, cancellationToken).ConfigureAwait(false);
    }

    public override string ToString() => $"CausalGroup({Name})";
}
