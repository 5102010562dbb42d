namespace GroupChat.Model;

/// <summary>
/// Where another history's events go when two histories of one room meet (two groups of the room that formed apart
/// merge, or a joiner's state transfer): after everything this node already has, in one deterministic order that every
/// node computes alike: HLC send time (wall, logical), then event id, with an event moved after what it names (its
/// parent, its file, the message it reacts to, the reaction it replaces): right after it, when that comes in the same batch. HLC times
/// grow along causality, so the second rule only guards against a clock that did not.
/// </summary>
public static class HistoryMerge
{
    /// <summary>The events of <paramref name="incoming"/> that <paramref name="room"/> does not have, in merge order (duplicates dropped: merging twice adds nothing).</summary>
    public static IReadOnlyList<StoredEvent> NewEvents(ChatRoom room, IEnumerable<StoredEvent> incoming)
    {
        var pending = incoming
            .Where(e => e.Event is not null && !room.Contains(e.Id))
            .DistinctBy(e => e.Id)
            .OrderBy(e => e.HlcWallMs).ThenBy(e => e.HlcLogical).ThenBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        var waiting = pending.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var parked = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        var result = new List<StoredEvent>(pending.Count);
        void Emit(StoredEvent e)
        {
            result.Add(e);
            waiting.Remove(e.Id);
            if (!parked.Remove(e.Id, out var released)) return;
            foreach (var r in released) Offer(r);
        }
        void Offer(StoredEvent e)
        {
            var missing = DependsOn(e.Event!).FirstOrDefault(waiting.Contains);
            if (missing is null) Emit(e);
            else if (parked.TryGetValue(missing, out var list)) list.Add(e);
            else parked[missing] = [e];
        }
        foreach (var e in pending) Offer(e);
        // A cycle cannot come from causal histories; should one arrive, keep its events rather than lose them.
        result.AddRange(parked.Values.SelectMany(p => p).Where(e => waiting.Contains(e.Id)).OrderBy(e => e.HlcWallMs).ThenBy(e => e.Id, StringComparer.Ordinal));
        return result;
    }

    private static IEnumerable<string> DependsOn(ChatEvent e) => e switch
    {
        Posted p => new[] { p.ReplyTo, p.Attachment }.OfType<string>(),
        ReactionSet r => new[] { r.Target, r.Previous }.OfType<string>(),
        _ => [],
    };
}
