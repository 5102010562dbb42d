namespace ActorCausal.Streams;

/// <summary>How <see cref="CausalGroupSource"/> joins its group and buffers what the group delivers.</summary>
public sealed record CausalGroupSourceSettings
{
    /// <summary>
    /// How many events may wait for downstream demand. The group delivers whatever the stream's demand (credit-based
    /// flow control from a reader to the writers is not in the runtime yet); past this bound the source fails with
    /// <see cref="Akka.Streams.BufferOverflowException"/> and the member leaves the group. It never drops an event.
    /// </summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary>
    /// How the member joins. The source cannot answer <see cref="SnapshotRequest"/>s, so unless
    /// <see cref="JoinOptions.SnapshotProvider"/> or <see cref="JoinOptions.TakeSnapshot"/> is set it joins
    /// <see cref="JoinOptions.Stateless"/> (no snapshot wait when others join).
    /// </summary>
    public JoinOptions JoinOptions { get; init; } = new() { Stateless = true };

    /// <summary>The defaults: a buffer of 10,000 events, a stateless member.</summary>
    public static CausalGroupSourceSettings Default { get; } = new();

    internal JoinOptions EffectiveJoinOptions() =>
        JoinOptions.SnapshotProvider is null && JoinOptions.TakeSnapshot is null && !JoinOptions.Stateless
            ? JoinOptions with { Stateless = true }
            : JoinOptions;
}
