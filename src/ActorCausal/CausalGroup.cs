using System.Collections.Immutable;
using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Serialization;
using Akka.Actor;

namespace ActorCausal;

/// <summary>
/// This node's membership in one group: broadcast, status and leave. The subscriber given to
/// <see cref="CausalGroups.Join(string, IActorRef, JoinOptions)"/> receives the group's events (<see cref="Delivered"/>, <see cref="ViewChanged"/>, ...).
/// Thread-safe.
/// </summary>
public sealed partial class CausalGroup
{
    private readonly ActorSystem _system;
    private readonly TimeSpan _askTimeout;
    private readonly GroupHandleState _handle;
    private readonly bool _verifyPayloads;

    internal CausalGroup(ActorSystem system, string name, IActorRef subscriber, Task<IActorRef> groupActor, TimeSpan askTimeout, GroupHandleState handle, bool verifyPayloads)
    {
        _verifyPayloads = verifyPayloads;
        _system = system;
        Name = name;
        Subscriber = subscriber;
        Ref = groupActor;
        _askTimeout = askTimeout;
        _handle = handle;
        // A join refused after a wait began ends the wait (a started actor ends its waits itself when it stops).
        groupActor.ContinueWith(t => handle.Deliveries.Stop($"Never joined: {t.Exception?.GetBaseException().Message ?? "the join was cancelled"}"),
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        groupActor.ContinueWith(t => handle.Admission.NeverAdmitted(name, null, $"the join was refused: {t.Exception?.GetBaseException().Message ?? "cancelled"}"),
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>The group's name, as given to <see cref="CausalGroups.Join(string, IActorRef, JoinOptions)"/>.</summary>
    public string Name { get; }

    /// <summary>The actor that receives the group's events on this node.</summary>
    public IActorRef Subscriber { get; }

    /// <summary>
    /// The group actor, once started. An actor may Tell it <see cref="ActorCausal.Broadcast"/>, <see cref="GetGroupStatus"/> and
    /// <see cref="LeaveGroup"/> directly; replies then arrive in the group's local order relative to its deliveries.
    /// Faults if the group could not be started (for example it is already joined on this node); the calls below then
    /// answer with a refusal instead.
    /// </summary>
    public Task<IActorRef> Ref { get; }

    /// <summary>
    /// Broadcasts <paramref name="payload"/> with <paramref name="order"/>; <paramref name="dependsOn"/> only with
    /// <see cref="DeliveryOrder.Explicit"/>. The payload is serialized here, once, with Akka serialization. The reply says
    /// whether it was sent (with its id), held during a view change, or refused and why; it never throws for a refusal.
    /// After the member left or stopped, or when the join was refused, it answers at once with a refusal
    /// (<see cref="RefusalReason.Stopped"/>, <see cref="RefusalReason.NotJoined"/>).
    /// </summary>
    public async Task<BroadcastReply> Broadcast(object payload, DeliveryOrder order = DeliveryOrder.Causal,
        IEnumerable<MessageId>? dependsOn = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Gone() is { } gone) return gone.Refusal;
        SerializedPayload serialized;
        try
        {
            serialized = PayloadSerialization.Serialize(_system.Serialization, payload, _verifyPayloads);
        }
        catch (Exception e)
        {
            return BroadcastReply.Refused(Name, RefusalReason.PayloadNotSerializable, $"{payload.GetType().FullName} {PayloadSerialization.Describe(e)}");
        }
        var deps = dependsOn?.ToImmutableArray() ?? ImmutableArray<MessageId>.Empty;
        return await AskGroup(new Broadcast(serialized, order, deps), _askTimeout, g => g.Refusal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's state and counters on this node; after the member stopped, its final status.</summary>
    public Task<GroupStatus> Status(CancellationToken cancellationToken = default) =>
        AskGroup(GetGroupStatus.Instance, _askTimeout, g => g.Status, cancellationToken);

    /// <summary>
    /// Leaves the group: this member's messages are delivered, the group installs a view without it, and the group
    /// actor stops. Completes with the <see cref="GroupStopped"/> the subscriber also receives (at once if the member
    /// already stopped or never joined). Gives up after <c>actorcausal.leave-timeout</c>.
    /// </summary>
    public Task<GroupStopped> Leave(CancellationToken cancellationToken = default)
    {
        var settings = CausalGroups.Get(_system).Settings;
        return AskGroup(LeaveGroup.Instance, settings.LeaveTimeout + _askTimeout, g => g.Stopped, cancellationToken);
    }

    /// <summary>What the handle answers once there is no group actor to ask.</summary>
    private sealed record GoneAnswers(BroadcastReply Refusal, GroupStatus Status, GroupStopped Stopped);

    /// <summary>Non-null when no group actor will answer: the join was refused, the actor stopped, or the system terminated.</summary>
    private GoneAnswers? Gone()
    {
        if (Ref.IsFaulted || Ref.IsCanceled)
        {
            var why = Ref.Exception?.GetBaseException().Message ?? "the join was cancelled";
            return new GoneAnswers(
                BroadcastReply.Refused(Name, RefusalReason.NotJoined, $"This handle's Join was refused: {why}"),
                NeverJoinedStatus(),
                new GroupStopped(Name, GroupStopReason.Left, $"Never joined: {why}"));
        }
        if (_handle.Terminated.IsCompleted)
        {
            var stopped = _handle.Stopped!;
            return new GoneAnswers(
                BroadcastReply.Refused(Name, RefusalReason.Stopped, $"This member stopped ({stopped.Reason}): {stopped.Detail}"),
                _handle.FinalStatus!, stopped);
        }
        if (_system.WhenTerminated.IsCompleted)
        {
            var stopped = new GroupStopped(Name, GroupStopReason.Failed, $"The actor system {_system.Name} has terminated.");
            return new GoneAnswers(BroadcastReply.Refused(Name, RefusalReason.Stopped, stopped.Detail), NeverJoinedStatus(), stopped);
        }
        return null;
    }

    /// <summary>
    /// Asks the group actor; if it stops (or the system terminates) before it answers, or the join was refused, answers
    /// with <paramref name="whenGone"/> at once instead of waiting for the ask to time out.
    /// </summary>
    private async Task<T> AskGroup<T>(object message, TimeSpan timeout, Func<GoneAnswers, T> whenGone, CancellationToken cancellationToken)
    {
        if (Gone() is { } gone) return whenGone(gone);
        if (!Ref.IsCompletedSuccessfully)
        {
            var started = await Task.WhenAny(Ref, _system.WhenTerminated).ConfigureAwait(false);
            if (started != Ref || !Ref.IsCompletedSuccessfully) return whenGone(Gone() ?? throw new InvalidOperationException("unreachable"));
        }
        var ask = Ref.Result.Ask<T>(message, timeout, cancellationToken);
        var first = await Task.WhenAny(ask, _handle.Terminated, _system.WhenTerminated).ConfigureAwait(false);
        // A reply told before the actor stopped has already completed the (local) ask.
        if (first == ask || ask.IsCompleted) return await ask.ConfigureAwait(false);
        return whenGone(Gone()!);
    }

    private GroupStatus NeverJoinedStatus()
    {
        var cluster = Akka.Cluster.Cluster.Get(_system);
        var self = new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
        return GroupStatus.StoppedWithoutCounters(Name, self, new GroupView(0, [self]));
    }

    /// <summary>The group's name, for logs.</summary>
    public override string ToString() => $"CausalGroup({Name})";
}
