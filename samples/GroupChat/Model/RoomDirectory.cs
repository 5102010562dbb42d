namespace GroupChat.Model;

/// <summary>
/// The lobby's one event: a room was created. Lobby events go in total order, so the first claim of a room id wins
/// everywhere. <see cref="Carried"/>: sent again by a node whose own history had the room and whose state transfer did
/// not (a restart with different histories): resolved like a merge (<see cref="RoomDirectory.Merge"/>), not by order.
/// </summary>
public sealed record RoomCreated(string Id, string RoomId, string Name, string Admin, long CreatedMs, bool Carried = false);

public enum MergeOutcome
{
    /// <summary>Nothing changes: the same creation, or this node's wins.</summary>
    Kept,
    /// <summary>A room this node did not know.</summary>
    Added,
    /// <summary>The other side's creation of the same room id wins: its name and admin replace this node's.</summary>
    Replaced,
}

/// <summary>Every room of the cluster, fed by the lobby's deliveries.</summary>
public sealed class RoomDirectory
{
    private readonly Dictionary<string, RoomCreated> _rooms = new(StringComparer.Ordinal);
    private readonly List<RoomCreated> _order = new();

    public IReadOnlyList<RoomCreated> Rooms => _order;

    public RoomCreated? Find(string roomId) => _rooms.GetValueOrDefault(roomId);

    /// <summary>True when the room is new; false when its id was already claimed (by an earlier event in the total order).</summary>
    public bool Apply(RoomCreated created)
    {
        if (_rooms.ContainsKey(created.RoomId)) return false;
        _rooms[created.RoomId] = created;
        _order.Add(created);
        return true;
    }

    /// <summary>
    /// Adds a creation from another history (two lobby groups that formed apart merged). A room id claimed on both
    /// sides keeps, at every node, the creation that is earlier by (creation time, creation id): the result does not
    /// depend on which side a node was on or in which order it merges. Idempotent.
    /// </summary>
    public MergeOutcome Merge(RoomCreated other)
    {
        if (!_rooms.TryGetValue(other.RoomId, out var mine)) return Apply(other) ? MergeOutcome.Added : MergeOutcome.Kept;
        if (mine.Id == other.Id || !Precedes(other, mine)) return MergeOutcome.Kept;
        _rooms[other.RoomId] = other;
        _order[_order.IndexOf(mine)] = other;
        return MergeOutcome.Replaced;
    }

    public static bool Precedes(RoomCreated a, RoomCreated b) =>
        a.CreatedMs != b.CreatedMs ? a.CreatedMs < b.CreatedMs : string.CompareOrdinal(a.Id, b.Id) < 0;

    /// <summary>A room id from a name: lower-case letters, digits and dashes.</summary>
    public static string Slug(string name)
    {
        var chars = name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }

    public static ChatError? CheckName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return ChatError.Bad("A room needs a name.");
        if (ChatLimits.Characters(name) > ChatLimits.MaxNameLength) return ChatError.Bad($"A room name has at most {ChatLimits.MaxNameLength} characters.");
        if (Slug(name).Length == 0) return ChatError.Bad("A room name needs at least one letter or digit.");
        return null;
    }
}
