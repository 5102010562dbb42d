using ActorCausal;
using Akka.Actor;
using GroupChat.Actors;
using GroupChat.Model;

namespace GroupChat.Web;

/// <summary>
/// The chat's causal sessions on the library's delivery tokens: a request with <c>?after=TOKEN</c> waits until this
/// node's member of the room's group has delivered past the token (<see cref="CausalGroup.WaitForDelivered"/>), and every
/// room response carries the token of what it reflected in <see cref="ChatApi.TokenHeader"/>.
/// </summary>
public static class CausalSessions
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);
    private const string GroupItem = "chat.room-group";

    /// <summary>
    /// Null when the request may go on (no token, or this node delivered past it); else why not: a malformed or foreign
    /// token (400), or this node not there yet after <paramref name="wait"/> or no longer in the room (503, Retry-After).
    /// </summary>
    public static async Task<ChatError?> WaitForToken(HttpContext http, IActorRef room, string roomId, TimeSpan wait)
    {
        var group = (await room.Ask<RoomGroup>(new GetRoomGroup(), AskTimeout)).Group;
        http.Items[GroupItem] = group;
        var after = http.Request.Query["after"].ToString();
        if (after.Length == 0) return null;
        if (!DeliveryToken.TryParse(after, out var token, out var problem)) return ChatError.Bad($"'after' is not a causal token ({problem}): give the X-Causal-Token of an earlier answer.");
        if (token.Group != RoomActor.GroupName(roomId)) return ChatError.Bad($"The token is for group '{token.Group}', not room '{roomId}'.");
        if (group is null) return null; // replication off: this node is the only one and has everything
        var result = await group.WaitForDelivered(token, wait, http.RequestAborted);
        switch (result.Outcome)
        {
            case DeliveryWaitOutcome.Reached or DeliveryWaitOutcome.ViewPassed:
                return null;
            case DeliveryWaitOutcome.TimedOut or DeliveryWaitOutcome.Stopped:
                http.Response.Headers.RetryAfter = "1";
                return new ChatError(ChatErrorKind.Unavailable,
                    $"This node has not delivered everything the token names ({result.Outcome}: {result.Detail ?? $"waited {wait.TotalSeconds:0} s"}); retry later or at another node.");
            default:
                return ChatError.Bad($"The token does not fit this room's group ({result.Outcome}: {result.Detail}); read again without it.");
        }
    }

    /// <summary>
    /// Sets the response's token: what this node's member had handed the room actor when the read (or change) was
    /// answered, so it covers everything the response shows. Null (no header) when replication is off.
    /// </summary>
    public static async Task<string?> TokenOfRead(HttpContext http)
    {
        if (http.Items[GroupItem] is not CausalGroup group) return null;
        var token = (await group.CurrentDeliveredToken(http.RequestAborted)).ToString();
        http.Response.Headers[ChatApi.TokenHeader] = token;
        return token;
    }
}
