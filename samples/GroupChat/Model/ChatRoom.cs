using System.Text;

namespace GroupChat.Model;

public enum PersonStatus
{
    Member,
    Left,
    Removed,
}

public sealed record PersonView(string Name, PersonStatus Status);

public sealed record AttachmentView(string Id, string FileName, string ContentType, int Size);

public sealed record MessageView(
    string Id,
    string Kind,
    string Author,
    string Text,
    string? ReplyTo,
    IReadOnlyDictionary<string, string[]> Reactions,
    AttachmentView? Attachment,
    string Hlc,
    long SentAtMs,
    string Node,
    string Wire,
    string[] Deps,
    long[] Clock,
    long ViewId,
    long DeliveredMs);

/// <summary>
/// One chat room as this node knows it, fed by delivered events in delivery order. No Akka here: the room actor feeds
/// it, the web layer reads it. Every rule is a function of the events and their HLC stamps, so every node that applies
/// the same set of events in any causal order ends in the same state (see README, "Admin actions and races").
/// </summary>
public sealed class ChatRoom
{
    private readonly List<StoredEvent> _log = new();
    private readonly Dictionary<string, StoredEvent> _byId = new();
    private readonly Dictionary<string, PersonState> _people = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AttachmentUploaded> _files = new();
    private readonly Dictionary<(string Target, string Emoji, string Person), Stamp<ReactionSet>> _reactions = new();
    private readonly Dictionary<string, long> _progress = new(StringComparer.Ordinal);
    private Stamp<string>? _rename;

    public ChatRoom(string id, string name, string admin)
    {
        Id = id;
        CreatedName = name;
        Admin = admin;
    }

    public string Id { get; }
    public string Admin { get; }
    public string CreatedName { get; }
    public string Name => _rename?.Value ?? CreatedName;

    /// <summary>Every event applied here, in delivery order (local notes included).</summary>
    public IReadOnlyList<StoredEvent> Log => _log;

    /// <summary>The highest sequence delivered from each origin (what a causal token names).</summary>
    public IReadOnlyDictionary<string, long> Progress => _progress;

    public int MessageCount { get; private set; }

    public bool Contains(string eventId) => _byId.ContainsKey(eventId);

    public StoredEvent? Find(string eventId) => _byId.GetValueOrDefault(eventId);

    public AttachmentUploaded? File(string id) => _files.GetValueOrDefault(id);

    public PersonStatus? StatusOf(string person) => _people.TryGetValue(person, out var p) ? p.Status : null;

    public IReadOnlyList<PersonView> People =>
        _people.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new PersonView(p.Key, p.Value.Status)).ToList();

    /// <summary>The latest reaction event of <paramref name="person"/> on a message and emoji, and whether it is on.</summary>
    public (string? Id, bool On) ReactionOf(string target, string emoji, string person) =>
        _reactions.TryGetValue((target, emoji, person), out var s) ? (s.Id, s.Value.On) : (null, false);

    /// <summary>Applies a delivered event. Returns false (and changes nothing) for a duplicate.</summary>
    public bool Apply(StoredEvent stored)
    {
        if (!_byId.TryAdd(stored.Id, stored)) return false;
        _log.Add(stored);
        if (stored.Event is not { } e) return true;
        if (EventIds.TryParse(e.Id, out var origin, out var seq) && seq > _progress.GetValueOrDefault(origin)) _progress[origin] = seq;
        var stamp = (stored.HlcWallMs, stored.HlcLogical, e.Id);
        switch (e)
        {
            case PersonJoined j:
                Person(j.Author).Set(PersonStatus.Member, stamp);
                break;
            case PersonLeft l:
                Person(l.Author).Set(PersonStatus.Left, stamp);
                break;
            case PersonRemoved r when r.Author == Admin:
                Person(r.Person).Removed = true;
                break;
            case RoomRenamed n when n.Author == Admin:
                var candidate = new Stamp<string>(stamp, n.Name);
                if (_rename is null || candidate.IsAfter(_rename)) _rename = candidate;
                break;
            case Posted:
                MessageCount++;
                break;
            case AttachmentUploaded f:
                _files[f.Id] = f;
                break;
            case ReactionSet rs:
                var key = (rs.Target, rs.Emoji, rs.Author);
                var next = new Stamp<ReactionSet>(stamp, rs);
                if (!_reactions.TryGetValue(key, out var current) || next.IsAfter(current)) _reactions[key] = next;
                break;
        }
        return true;
    }

    /// <summary>The same history under another creation (a merge chose the other side's): admin rules re-evaluated from the events.</summary>
    public ChatRoom WithCreation(string name, string admin)
    {
        var room = new ChatRoom(Id, name, admin);
        foreach (var e in _log) room.Apply(e);
        return room;
    }

    // ---- validation of requests, before anything is broadcast ----

    public ChatError? CanAct(string author)
    {
        if (PersonName.Check(author) is { } bad) return bad;
        if (StatusOf(author) == PersonStatus.Removed) return ChatError.Forbidden($"{author} was removed from room {Id} by its admin.");
        return null;
    }

    public ChatError? CanPost(string author, string text, string? replyTo, string? attachment)
    {
        if (CanAct(author) is { } e) return e;
        if (string.IsNullOrWhiteSpace(text) && attachment is null) return ChatError.Bad("A message needs text (or an attachment).");
        if (ChatLimits.Characters(text) is var length && length > ChatLimits.MaxTextLength) return ChatError.Bad($"A message has at most {ChatLimits.MaxTextLength} characters; this one has {length}.");
        if (replyTo is not null && (Find(replyTo)?.Event is not Posted)) return ChatError.NotFound($"Room {Id} has no message {replyTo} to reply to.");
        if (attachment is not null && !_files.ContainsKey(attachment)) return ChatError.NotFound($"Room {Id} has no attachment {attachment}.");
        return null;
    }

    public ChatError? CanReact(string author, string target, string emoji)
    {
        if (CanAct(author) is { } e) return e;
        if (string.IsNullOrWhiteSpace(emoji) || ChatLimits.Characters(emoji) > ChatLimits.MaxEmojiLength || emoji.Length > 4 * ChatLimits.MaxEmojiLength) return ChatError.Bad($"An emoji is 1 to {ChatLimits.MaxEmojiLength} characters.");
        if (Find(target)?.Event is not Posted) return ChatError.NotFound($"Room {Id} has no message {target}.");
        return null;
    }

    public ChatError? CanUpload(string author, string fileName, int size)
    {
        if (CanAct(author) is { } e) return e;
        if (string.IsNullOrWhiteSpace(fileName) || fileName.Length > 200) return ChatError.Bad("An attachment needs a file name of 1 to 200 characters.");
        if (size == 0) return ChatError.Bad("An attachment cannot be empty.");
        if (size > ChatLimits.MaxAttachmentBytes) return ChatError.Bad($"An attachment has at most {ChatLimits.MaxAttachmentBytes} bytes; this one has {size}.");
        return null;
    }

    public ChatError? CanAdminister(string author)
    {
        if (PersonName.Check(author) is { } bad) return bad;
        return author == Admin ? null : ChatError.Forbidden($"Only the room's admin ({Admin}) can do that.");
    }

    // ---- queries ----

    public IReadOnlyList<MessageView> Messages()
    {
        var list = new List<MessageView>(_log.Count);
        foreach (var s in _log)
        {
            var view = ToView(s);
            if (view is not null) list.Add(view);
        }
        return list;
    }

    public MessageView? Message(string id) => Find(id) is { } s ? ToView(s) : null;

    private MessageView? ToView(StoredEvent s)
    {
        var (kind, author, text, replyTo, attachment) = s.Event switch
        {
            null => ("system", "", s.Local ?? "", (string?)null, (AttachmentView?)null),
            Posted p => ("message", p.Author, p.Text, p.ReplyTo, p.Attachment is { } a && _files.TryGetValue(a, out var f) ? ViewOf(f) : null),
            PersonJoined j => ("system", j.Author, $"{j.Author} joined the room", null, null),
            PersonLeft l => ("system", l.Author, $"{l.Author} left the room", null, null),
            PersonRemoved r when r.Author == Admin => ("system", r.Author, $"{r.Author} removed {r.Person} from the room", null, null),
            RoomRenamed n when n.Author == Admin => ("system", n.Author, $"{n.Author} renamed the room to \u201c{n.Name}\u201d", null, null),
            _ => (null!, "", "", null, null),
        };
        if (kind is null) return null;
        return new MessageView(s.Id, kind, author, text, replyTo, kind == "message" ? ReactionsOn(s.Id) : Empty, attachment,
            $"{s.HlcWallMs}.{s.HlcLogical}", s.HlcWallMs, s.Node, s.Wire, s.WireDeps, s.Clock, s.ViewId, s.DeliveredMs);
    }

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();

    private IReadOnlyDictionary<string, string[]> ReactionsOn(string target)
    {
        Dictionary<string, List<string>>? result = null;
        foreach (var ((t, emoji, person), s) in _reactions)
        {
            if (t != target || !s.Value.On) continue;
            result ??= new Dictionary<string, List<string>>();
            if (!result.TryGetValue(emoji, out var people)) result[emoji] = people = new List<string>();
            people.Add(person);
        }
        if (result is null) return Empty;
        return result.OrderBy(r => r.Key, StringComparer.Ordinal)
            .ToDictionary(r => r.Key, r => r.Value.OrderBy(p => p, StringComparer.Ordinal).ToArray());
    }

    private static AttachmentView ViewOf(AttachmentUploaded f) => new(f.Id, f.FileName, f.ContentType, f.Content.Length);

    /// <summary>
    /// The room's replicated state in a canonical form (independent of delivery order; local notes left out): what must
    /// be equal at every node that delivered the same events.
    /// </summary>
    public string Digest()
    {
        var sb = new StringBuilder();
        sb.Append("name=").Append(Name).Append('\n');
        foreach (var p in People) sb.Append("person ").Append(p.Name).Append('=').Append(p.Status).Append('\n');
        foreach (var m in Messages().Where(m => m.Kind == "message").OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            sb.Append(m.Id).Append(' ').Append(m.Author).Append(": ").Append(m.Text).Append(" reply=").Append(m.ReplyTo)
                .Append(" file=").Append(m.Attachment?.Id).Append(':').Append(m.Attachment?.Size)
                .Append(" hlc=").Append(m.Hlc);
            foreach (var (emoji, people) in m.Reactions) sb.Append(' ').Append(emoji).Append('[').Append(string.Join(",", people)).Append(']');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private PersonState Person(string name)
    {
        if (!_people.TryGetValue(name, out var p)) _people[name] = p = new PersonState();
        return p;
    }

    private sealed class PersonState
    {
        private Stamp<PersonStatus>? _latest;
        public bool Removed;

        public PersonStatus Status => Removed ? PersonStatus.Removed : _latest?.Value ?? PersonStatus.Left;

        public void Set(PersonStatus status, (long, int, string) stamp)
        {
            var next = new Stamp<PersonStatus>(stamp, status);
            if (_latest is null || next.IsAfter(_latest)) _latest = next;
        }
    }

    /// <summary>Last-writer-wins by HLC, then by event id: the same winner at every node whatever the delivery order.</summary>
    private sealed record Stamp<T>((long Wall, int Logical, string Id) At, T Value)
    {
        public string Id => At.Id;

        public bool IsAfter(Stamp<T> other) =>
            At.Wall != other.At.Wall ? At.Wall > other.At.Wall
            : At.Logical != other.At.Logical ? At.Logical > other.At.Logical
            : string.CompareOrdinal(At.Id, other.At.Id) > 0;
    }
}
