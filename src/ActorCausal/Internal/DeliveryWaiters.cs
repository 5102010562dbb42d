namespace ActorCausal.Internal;

/// <summary>
/// Shared by a <see cref="CausalGroup"/> handle and its group actor: the member's delivered position as the actor last
/// published it, and the <see cref="CausalGroup.WaitForDelivered"/> calls waiting for it to pass their tokens. The actor
/// publishes and stops; callers wait from any thread. Every wait ends: reached, passed, refused at once, at its timeout,
/// or when the member stops.
/// </summary>
internal sealed class DeliveryWaiters
{
    private sealed class Waiter(string group, DeliveryToken token)
    {
        public string Group { get; } = group;
        public DeliveryToken Token { get; } = token;
        public TaskCompletionSource<DeliveryWaitResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly object _lock = new();
    private readonly List<Waiter> _waiters = new();
    private DeliveryToken _position;
    private string? _stopped;

    /// <summary>The last published position, or <c>default</c> before the actor published one.</summary>
    public DeliveryToken Position
    {
        get
        {
            lock (_lock) return _position;
        }
    }

    /// <summary>Called by the group actor after deliveries or a view install: completes the waits the position decides.</summary>
    public void Publish(DeliveryToken position)
    {
        lock (_lock)
        {
            if (_stopped is not null) return;
            _position = position;
            _waiters.RemoveAll(w => Decide(w, position, null));
        }
    }

    /// <summary>The member delivers nothing more: every wait it has not passed ends as <see cref="DeliveryWaitOutcome.Stopped"/>.</summary>
    public void Stop(string detail)
    {
        lock (_lock)
        {
            if (_stopped is not null) return;
            _stopped = detail;
            foreach (var w in _waiters) Decide(w, _position, detail);
            _waiters.Clear();
        }
    }

    /// <summary>Waits until the position passes <paramref name="token"/>, the member stops, or <paramref name="timeout"/> passes.</summary>
    public Task<DeliveryWaitResult> Wait(string group, DeliveryToken token, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new Waiter(group, token);
        lock (_lock)
        {
            if (Decide(waiter, _position, _stopped)) return waiter.Completion.Task;
            if (timeout == TimeSpan.Zero) return Task.FromResult(TimedOut(waiter, timeout));
            _waiters.Add(waiter);
        }
        return Await(waiter, timeout, cancellationToken);
    }

    private async Task<DeliveryWaitResult> Await(Waiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await waiter.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock) _waiters.Remove(waiter);
            // Decided in the same instant as the timeout: the decision stands.
            if (waiter.Completion.Task.IsCompletedSuccessfully) return waiter.Completion.Task.Result;
            if (e is OperationCanceledException) throw;
            return TimedOut(waiter, timeout);
        }
    }

    private DeliveryWaitResult TimedOut(Waiter w, TimeSpan timeout)
    {
        var at = PositionOr(w.Group, Position);
        return new DeliveryWaitResult(w.Group, DeliveryWaitOutcome.TimedOut, w.Token, at,
            $"This member had not delivered past {w.Token} within {timeout} (it is at {at}).");
    }

    /// <summary>Completes <paramref name="w"/> if <paramref name="position"/> (or a stop) decides it; true if it did.</summary>
    private static bool Decide(Waiter w, DeliveryToken position, string? stopped)
    {
        var at = PositionOr(w.Group, position);
        var (outcome, detail) = DeliveryTokenJudge.Judge(w.Group, w.Token, at);
        if (outcome is null && stopped is not null)
            (outcome, detail) = (DeliveryWaitOutcome.Stopped, $"This member stopped at {at} before delivering past {w.Token}: {stopped}");
        if (outcome is not { } o) return false;
        w.Completion.TrySetResult(new DeliveryWaitResult(w.Group, o, w.Token, at, detail));
        return true;
    }

    private static DeliveryToken PositionOr(string group, DeliveryToken position) => position.IsDefault ? DeliveryToken.Nothing(group) : position;
}
