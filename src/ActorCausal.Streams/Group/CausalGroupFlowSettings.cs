namespace ActorCausal.Streams;

/// <summary>How many broadcasts <see cref="CausalGroupFlow"/> keeps in flight.</summary>
public sealed record CausalGroupFlowSettings
{
    /// <summary>
    /// The most elements told to the group actor and not yet answered or emitted (64 by default; 1 to
    /// <see cref="OrderedBroadcast.MaxQueued"/>). More in flight hides the round trip to the group actor; the group's
    /// own bound (<c>max-unstable</c>) still decides how many of this member's messages are unstable at once.
    /// </summary>
    public int MaxInFlight { get; init; } = 64;

    /// <summary>The elements taken in one turn of the stage go to the group actor in one message (off: one message each; for comparisons).</summary>
    internal bool BatchBroadcasts { get; init; } = true;

    /// <summary>The defaults.</summary>
    public static CausalGroupFlowSettings Default { get; } = new();
}
