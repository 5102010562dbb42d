namespace GroupChat.Model;

/// <summary>Event ids are <c>origin.sequence</c>: the node incarnation that sent the event and its per-room counter (from 1).</summary>
public static class EventIds
{
    public static string Make(string origin, long sequence) => $"{origin}.{sequence}";

    public static bool TryParse(string id, out string origin, out long sequence)
    {
        var dot = id.LastIndexOf('.');
        origin = dot > 0 ? id[..dot] : "";
        sequence = 0;
        return dot > 0 && long.TryParse(id.AsSpan(dot + 1), out sequence) && sequence > 0;
    }
}

public static class PersonName
{
    public static ChatError? Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return ChatError.Bad("A name (author) is required.");
        if (ChatLimits.Characters(name) > ChatLimits.MaxNameLength) return ChatError.Bad($"A name has at most {ChatLimits.MaxNameLength} characters.");
        if (name.Any(char.IsControl)) return ChatError.Bad("A name cannot contain control characters.");
        return null;
    }
}
