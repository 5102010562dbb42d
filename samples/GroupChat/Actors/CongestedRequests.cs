using Akka.Actor;

namespace GroupChat.Actors;

/// <summary>
/// Requests whose broadcast the room's group refused for back-pressure (too many of this node's events not yet held by
/// every node of the room, for instance while one is unreachable and not yet downed). Each is handled again after a
/// pause - checked against the room as it is then, with a fresh event id - and answered with an error only once it has
/// been refused for <see cref="GiveUpAfter"/>. The pause doubles while refusals go on and starts short again once a
/// broadcast gets through, so a congested group is not asked more often as it stays congested.
/// </summary>
public sealed class CongestedRequests
{
    public static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>Below the web layer's 20 s ask timeout, so the client gets this room's explanation, not a timeout.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(15);

    private readonly List<Congested> _due = new();

    /// <summary>The pause before <see cref="TakeDue"/> should run.</summary>
    public TimeSpan Pause { get; private set; } = FirstPause;

    public int Waiting => _due.Count;

    /// <summary>
    /// Records a refusal; false (and nothing kept) once the request has been refused for <see cref="GiveUpAfter"/> since
    /// <paramref name="refusedSince"/> (its first refusal, or null if this is the first).
    /// </summary>
    public bool Refused(RoomRequest request, IActorRef replyTo, DateTime? refusedSince, DateTime now)
    {
        var since = refusedSince ?? now;
        if (now - since >= GiveUpAfter) return false;
        _due.Add(new Congested(request, replyTo, since));
        return true;
    }

    /// <summary>A broadcast got through: the group has room again.</summary>
    public void Accepted() => Pause = FirstPause;

    /// <summary>The requests to handle again now, in the order they were refused; the next pause is longer.</summary>
    public IReadOnlyList<Congested> TakeDue()
    {
        var due = _due.ToList();
        _due.Clear();
        Pause = Pause * 2 > LongestPause ? LongestPause : Pause * 2;
        return due;
    }
}

public sealed record Congested(RoomRequest Request, IActorRef ReplyTo, DateTime RefusedSince);
