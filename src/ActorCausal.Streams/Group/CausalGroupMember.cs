using System.Collections.Concurrent;
using ActorCausal.Protocol;

namespace ActorCausal.Streams;

/// <summary>
/// The materialized value of <see cref="CausalGroupSource"/>: this node's member of the group, whose events the source
/// emits. Broadcast through it with <see cref="CausalGroupFlow"/> or <see cref="CausalGroupSink"/> (a held broadcast's
/// id reaches the source as <see cref="BroadcastReleased"/>, and the flow learns it here). Thread-safe.
/// </summary>
public sealed class CausalGroupMember
{
    private readonly TaskCompletionSource _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<GroupStopped> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<MessageId>> _released = new();

    internal CausalGroupMember(CausalGroup group) => Group = group;

    /// <summary>The member's handle: broadcast, status, leave.</summary>
    public CausalGroup Group { get; }

    /// <summary>
    /// Completes when the member is admitted (its own first <see cref="ViewChanged"/>): from then on a broadcast is not
    /// refused <see cref="RefusalReason.NotAMember"/>. Faults with <see cref="GroupStoppedException"/> if the member
    /// stops first.
    /// </summary>
    public Task Admitted => _admitted.Task;

    /// <summary>Completes with the <see cref="GroupStopped"/> once the member stops (left, downed, excluded or failed).</summary>
    public Task<GroupStopped> Stopped => _stopped.Task;

    /// <summary>The id a held broadcast went out with, once the source has seen its <see cref="BroadcastReleased"/>.</summary>
    internal Task<MessageId> Released(long ticket)
    {
        var released = Ticket(ticket).Task;
        // Stopped is set before the waiting tickets are failed: a ticket added after that is failed here.
        return released.IsCompleted || !_stopped.Task.IsCompleted
            ? released
            : Task.FromException<MessageId>(new GroupStoppedException(_stopped.Task.Result));
    }

    /// <summary>Forgets a ticket once its id was taken (releases nobody waits for stay until the member stops).</summary>
    internal void Forget(long ticket) => _released.TryRemove(ticket, out _);

    internal void OnEvent(IGroupEvent e)
    {
        switch (e)
        {
            case ViewChanged:
                _admitted.TrySetResult();
                break;
            case BroadcastReleased released:
                Ticket(released.Ticket).TrySetResult(released.Id);
                break;
            case GroupStopped stopped:
                OnStopped(stopped);
                break;
        }
    }

    internal void OnStopped(GroupStopped stopped)
    {
        _stopped.TrySetResult(stopped);
        _admitted.TrySetException(new GroupStoppedException(stopped));
        foreach (var waiting in _released.Values) waiting.TrySetException(new GroupStoppedException(stopped));
    }

    private TaskCompletionSource<MessageId> Ticket(long ticket) =>
        _released.GetOrAdd(ticket, _ => new TaskCompletionSource<MessageId>(TaskCreationOptions.RunContinuationsAsynchronously));
}
