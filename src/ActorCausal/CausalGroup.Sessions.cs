using ActorCausal.Internal;

namespace ActorCausal;

// Causal sessions: a token for what this member has delivered, and a wait until this member has delivered past a token
// taken on any member of the group (read-your-writes across nodes, as MongoDB's causally consistent sessions).
public sealed partial class CausalGroup
{
    /// <summary>
    /// What this member has delivered so far: its view and, per member of the view, how many of its messages. Read
    /// without asking the group actor (the position it last published, after its latest batch of deliveries); before
    /// admission, the token of nothing (<see cref="DeliveryToken.Nothing"/>); after the member stopped, its last position.
    /// </summary>
    public DeliveryToken DeliveredToken
    {
        get
        {
            var position = _handle.Deliveries.Position;
            return position.IsDefault ? DeliveryToken.Nothing(Name) : position;
        }
    }

    /// <summary>
    /// What this member has handed its subscriber so far, asked of the group actor: unlike <see cref="DeliveredToken"/>
    /// (published after each batch of deliveries, so it can lag a batch the subscriber is already processing), it covers
    /// every event the subscriber received before this call, so it is the token of what a read of the subscriber's state
    /// that completed before the call reflected. After the member stopped, its last position.
    /// </summary>
    public Task<DeliveryToken> CurrentDeliveredToken(CancellationToken cancellationToken = default) =>
        AskGroup(GetDeliveredToken.Instance, _askTimeout, _ => DeliveredToken, cancellationToken);

    /// <summary>
    /// Completes once this member has delivered past <paramref name="token"/> (taken on any member of this group: a
    /// <see cref="BroadcastReply.Token"/> or a <see cref="DeliveredToken"/>), and so has handed its subscriber every
    /// message the token covers: an Ask to the subscriber sent after this completes is handled after those deliveries.
    /// Never throws for a refusal: the result says <see cref="DeliveryWaitOutcome.TimedOut"/> once
    /// <paramref name="timeout"/> passed, <see cref="DeliveryWaitOutcome.Stopped"/> when the member stopped (or never
    /// joined), <see cref="DeliveryWaitOutcome.WrongGroup"/> or <see cref="DeliveryWaitOutcome.ViewMismatch"/> at once for a
    /// token that means nothing here. A token of an earlier view is passed (<see cref="DeliveryWaitOutcome.ViewPassed"/>);
    /// one of a later view waits until this member installs it. Throws <see cref="OperationCanceledException"/> if
    /// <paramref name="cancellationToken"/> is cancelled first.
    /// </summary>
    /// <param name="token">The position to wait for; not <c>default</c>.</param>
    /// <param name="timeout">How long to wait at most: zero checks once; negative, infinite or beyond int.MaxValue milliseconds is refused (a wait always ends).</param>
    /// <param name="cancellationToken">Ends the wait early with <see cref="OperationCanceledException"/>.</param>
    public Task<DeliveryWaitResult> WaitForDelivered(DeliveryToken token, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (token.IsDefault) throw new ArgumentException("default(DeliveryToken) is no token; take one from DeliveredToken, BroadcastReply.Token or DeliveryToken.Parse.", nameof(token));
        if (timeout < TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A wait needs a finite timeout, from zero to int.MaxValue milliseconds.");
        if (Gone() is { } gone && !_handle.Terminated.IsCompleted) _handle.Deliveries.Stop(gone.Stopped.Detail);
        return _handle.Deliveries.Wait(Name, token, timeout, cancellationToken);
    }
}
