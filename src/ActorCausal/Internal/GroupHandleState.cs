namespace ActorCausal.Internal;

/// <summary>
/// Shared by one <see cref="CausalGroup"/> handle and the group actor it started (both local): the actor leaves its
/// final status and stop reason here when it stops, so that calls on the handle afterwards answer at once instead of
/// asking an actor that is gone.
/// </summary>
internal sealed class GroupHandleState
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the group actor has stopped.</summary>
    public Task Terminated => _terminated.Task;

    /// <summary>The member's delivered position and the handle's waits on it (causal tokens).</summary>
    public DeliveryWaiters Deliveries { get; } = new();

    /// <summary>Completes at the member's first view; faults if it stops before.</summary>
    public AdmissionSignal Admission { get; } = new();

    public GroupStatus? FinalStatus { get; private set; }

    public GroupStopped? Stopped { get; private set; }

    public void OnActorStopped(GroupStatus finalStatus, GroupStopped stopped)
    {
        FinalStatus = finalStatus;
        Stopped = stopped;
        Admission.NeverAdmitted(stopped.Group, stopped, $"the member stopped before it was admitted ({stopped.Reason}: {stopped.Detail})");
        _terminated.TrySetResult();
    }
}
