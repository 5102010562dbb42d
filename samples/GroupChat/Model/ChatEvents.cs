using System.Text.Json.Serialization;

namespace GroupChat.Model;

/// <summary>
/// What a room's members broadcast to each other. Every event has a cluster-wide unique <see cref="Id"/> of the form
/// <c>origin.sequence</c> (the node incarnation that sent it and its per-room counter) and the person it speaks for.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PersonJoined), "joined")]
[JsonDerivedType(typeof(PersonLeft), "left")]
[JsonDerivedType(typeof(Posted), "posted")]
[JsonDerivedType(typeof(AttachmentUploaded), "file")]
[JsonDerivedType(typeof(ReactionSet), "reaction")]
[JsonDerivedType(typeof(PersonRemoved), "removed")]
[JsonDerivedType(typeof(RoomRenamed), "renamed")]
[JsonDerivedType(typeof(HistoryCarried), "carried")]
public abstract record ChatEvent(string Id, string Author);

public sealed record PersonJoined(string Id, string Author) : ChatEvent(Id, Author);

public sealed record PersonLeft(string Id, string Author) : ChatEvent(Id, Author);

/// <summary>A message; a reply names its parent, a message that shows a file names the upload.</summary>
public sealed record Posted(string Id, string Author, string Text, string? ReplyTo, string? Attachment) : ChatEvent(Id, Author);

/// <summary>A file, broadcast on its own before the message that shows it.</summary>
public sealed record AttachmentUploaded(string Id, string Author, string FileName, string ContentType, byte[] Content) : ChatEvent(Id, Author);

/// <summary>A reaction switched on or off. <see cref="Previous"/>: the same person's previous reaction event on the same message and emoji.</summary>
public sealed record ReactionSet(string Id, string Author, string Target, string Emoji, bool On, string? Previous) : ChatEvent(Id, Author);

/// <summary>The room's admin removes a person (for good).</summary>
public sealed record PersonRemoved(string Id, string Author, string Person) : ChatEvent(Id, Author);

public sealed record RoomRenamed(string Id, string Author, string Name) : ChatEvent(Id, Author);

/// <summary>
/// Events of this room that a node had in its own history (its database) and the group did not: sent once when the node
/// joins and its state transfer lacks them (every node restarted with its own history), so every member adds them.
/// Not shown; a member keeps it with <see cref="Events"/> emptied (they are in the history themselves).
/// </summary>
public sealed record HistoryCarried(string Id, string Author, StoredEvent[] Events) : ChatEvent(Id, Author);

/// <summary>
/// An event as this node delivered it: the event, its HLC send time, and the protocol's view of it (the sending node,
/// message id, explicit dependencies and vector clock of the view it was sent in) and this node's wall time of delivery. <see cref="Local"/> events are this
/// node's own notes (view changes, suspicions): shown in its history, never sent to others.
/// </summary>
public sealed record StoredEvent(
    ChatEvent? Event,
    long HlcWallMs,
    int HlcLogical,
    string Node,
    string Wire,
    string[] WireDeps,
    long[] Clock,
    long ViewId,
    string? Local = null,
    long DeliveredMs = 0)
{
    public string Id => Event?.Id ?? $"local.{HlcWallMs}.{HlcLogical}.{Wire}";
}
