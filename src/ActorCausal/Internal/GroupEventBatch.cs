namespace ActorCausal.Internal;

/// <summary>
/// The events one turn of the group actor handed a subscriber that joined with <see cref="JoinOptions.BatchEvents"/>,
/// in the member's order: one message where a plain subscriber gets one per event (the Streams source, which pays an
/// interpreter turn per message it receives).
/// </summary>
internal sealed record GroupEventBatch(IReadOnlyList<IGroupEvent> Events);
