using GroupChat.Model;

namespace GroupChat.Actors;

/// <summary>Requests a room actor answers with a <see cref="ChatReply"/>; those that change the room are broadcast first.</summary>
public abstract record RoomRequest;

public sealed record PostMessage(string Author, string Text, string? ReplyTo, string? Attachment) : RoomRequest;
public sealed record ToggleReaction(string Author, string Target, string Emoji) : RoomRequest;
public sealed record UploadAttachment(string Author, string FileName, string ContentType, byte[] Content) : RoomRequest;
public sealed record JoinRoom(string Author) : RoomRequest;
public sealed record LeaveRoom(string Author) : RoomRequest;
public sealed record RemovePerson(string Author, string Person) : RoomRequest;
public sealed record RenameRoom(string Author, string Name) : RoomRequest;

/// <summary>From the lobby: a merge chose another creation of this room (its name and admin).</summary>
public sealed record RoomCreationResolved(RoomCreated Creation);

/// <summary>Queries, answered at once from the model.</summary>
public sealed record GetRoomState;
public sealed record GetAttachment(string Id);
public sealed record GetRoomCausality;
/// <summary>The room's events in this node's delivery order (<see cref="StoredEvent"/>[]).</summary>
public sealed record GetRoomLog;
/// <summary>The room's ActorCausal group (<see cref="RoomGroup"/>), for its delivery tokens.</summary>
public sealed record GetRoomGroup;
/// <summary>The room's group handle; null when replication is off (the bench's local group).</summary>
public sealed record RoomGroup(ActorCausal.CausalGroup? Group);
/// <summary>The room's replicated state in canonical form (<see cref="ChatRoom.Digest"/>).</summary>
public sealed record GetRoomDigest;


public sealed record ChatReply(object? Value, ChatError? Error)
{
    public static ChatReply Ok(object? value) => new(value, null);
    public static ChatReply Fail(ChatError error) => new(null, error);
}

public sealed record RoomState(string Id, string Name, string Admin, IReadOnlyList<PersonView> People, IReadOnlyList<MessageView> Messages, bool Member);

public sealed record HeldView(string Id, string Node, string Wire, string[] WaitsFor);

public sealed record RoomCausality(
    string Room,
    long ViewId,
    string[] View,
    string Phase,
    long HeldBackTotal,
    int PendingNow,
    long Delivered,
    long Naks,
    long Retransmitted,
    string[] Suspected,
    IReadOnlyList<MessageView> Recent);
