namespace GroupChat.Model;

/// <summary>
/// Whether an event a room lacks can still be delivered there. Each origin (a node incarnation) numbers its events from
/// 1 and the room delivers them in that order (causal and explicit delivery are FIFO per sender), so an event whose
/// origin is already delivered past it, or that its own origin has not made yet, never comes; nor does one from an origin
/// that no node of the room sends as. A request that names such an event is refused at once instead of waiting for it.
/// </summary>
public static class MissingEvents
{
    /// <summary>Why <paramref name="id"/> will never be delivered here, or null if it still may be.</summary>
    /// <param name="progress">The highest sequence delivered here from each origin.</param>
    /// <param name="ownOrigin">This node's origin; <paramref name="ownSequence"/> is the last sequence it gave out.</param>
    /// <param name="otherNodes">The names of the other nodes in the room's view (an origin is "name-incarnation").</param>
    public static string? WhyNever(string id, IReadOnlyDictionary<string, long> progress, string ownOrigin, long ownSequence, IEnumerable<string> otherNodes)
    {
        if (!EventIds.TryParse(id, out var origin, out var sequence)) return $"{id} is not an event id (origin.sequence).";
        if (origin == ownOrigin)
            return sequence > ownSequence ? $"this node has sent no event {id} (its last is {EventIds.Make(origin, ownSequence)})." : null;
        if (progress.TryGetValue(origin, out var delivered))
            return sequence <= delivered ? $"{origin}'s events are delivered here up to {EventIds.Make(origin, delivered)}, without it." : null;
        var node = origin.LastIndexOf('-') is > 0 and var dash ? origin[..dash] : origin;
        return otherNodes.Contains(node, StringComparer.Ordinal) ? null : $"no node of this room sends as {origin}.";
    }
}
