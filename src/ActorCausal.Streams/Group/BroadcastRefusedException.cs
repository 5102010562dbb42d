namespace ActorCausal.Streams;

/// <summary>
/// A broadcast of <see cref="CausalGroupFlow"/> was refused for a reason a retry cannot cure (the member stopped, the
/// payload cannot be serialized, an invalid request). <see cref="RefusalReason.BackPressure"/> and
/// <see cref="RefusalReason.NotAMember"/> are retried instead.
/// </summary>
public sealed class BroadcastRefusedException : Exception
{
    /// <summary>A failure for <paramref name="reply"/>.</summary>
    public BroadcastRefusedException(BroadcastReply reply)
        : base($"Broadcast to group '{reply?.Group}' refused: {reply?.Reason} {reply?.Detail}")
    {
        Reply = reply ?? throw new ArgumentNullException(nameof(reply));
    }

    /// <summary>The refusal.</summary>
    public BroadcastReply Reply { get; }
}
