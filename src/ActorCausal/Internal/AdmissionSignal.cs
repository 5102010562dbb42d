using ActorCausal.Protocol.Membership;

namespace ActorCausal.Internal;

/// <summary>
/// The handle's <see cref="CausalGroup.Admitted"/>: completed by the group actor at the member's first view, faulted when
/// the member stops before it (or the join is refused), so a wait on it always ends.
/// </summary>
internal sealed class AdmissionSignal
{
    private readonly TaskCompletionSource<GroupView> _admitted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AdmissionSignal() =>
        // A fault nobody observes is not an error here (most callers never wait for admission).
        _admitted.Task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    public Task<GroupView> Task => _admitted.Task;

    public void Admitted(GroupView view) => _admitted.TrySetResult(view);

    public void NeverAdmitted(string group, GroupStopped? stopped, string detail) =>
        _admitted.TrySetException(new GroupNotAdmittedException(group, stopped, detail));
}
