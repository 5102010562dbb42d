namespace ActorCausal.Streams;

/// <summary>How <see cref="CausalGroupSource"/> joins its group and buffers what the group delivers.</summary>
public sealed record CausalGroupSourceSettings
{
    /// <summary>
    /// How many deliveries may wait in the source for downstream demand. With <see cref="OnDemand"/> it is the credit
    /// the source gives the group: it asks for more only as downstream takes what it holds, so a slow stream
    /// back-pressures the group's senders and the buffer never holds more deliveries than this (the group's other
    /// events pass without credit; when the member stops, what the group still held arrives at once). Without
    /// <see cref="OnDemand"/>, past this bound the source fails with <see cref="Akka.Streams.BufferOverflowException"/>
    /// and the member leaves the group. It never drops an event. A stream's <see cref="Akka.Streams.Attributes.InputBuffer"/>
    /// attribute, when one is given on the source (other than the materializer's default), takes its place (its max).
    /// </summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary>
    /// The source takes deliveries on demand (<see cref="ActorCausal.JoinOptions.OnDemand"/>, the default): the group counts
    /// a message as delivered here only once the source was handed it against downstream demand, so stability and
    /// every sender's <c>max-unstable</c> bound follow this stream. Off: the group delivers at its own pace and a slow
    /// stream overflows <see cref="BufferSize"/>.
    /// </summary>
    public bool OnDemand { get; init; } = true;

    /// <summary>
    /// How the member joins. The source cannot answer <see cref="SnapshotRequest"/>s, so unless
    /// <see cref="JoinOptions.SnapshotProvider"/> or <see cref="JoinOptions.TakeSnapshot"/> is set it joins
    /// <see cref="JoinOptions.Stateless"/> (no snapshot wait when others join).
    /// </summary>
    public JoinOptions JoinOptions { get; init; } = new() { Stateless = true };

    /// <summary>The group actor hands the events of each of its turns over in one message (off: one message each; for comparisons).</summary>
    internal bool BatchEvents { get; init; } = true;

    /// <summary>The defaults: a buffer of 10,000 events, a stateless member.</summary>
    public static CausalGroupSourceSettings Default { get; } = new();

    internal JoinOptions EffectiveJoinOptions()
    {
        var options = JoinOptions.SnapshotProvider is null && JoinOptions.TakeSnapshot is null && !JoinOptions.Stateless
            ? JoinOptions with { Stateless = true }
            : JoinOptions;
        return options with { OnDemand = OnDemand, BatchEvents = BatchEvents };
    }
}
