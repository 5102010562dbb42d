using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// A joining member's attempt to get in (GroupMember.Joining.cs): whether its node is Up, when it started announcing and
/// announces next, when a member last answered, and the joiners that announced themselves here (with whether their
/// node is older, Akka's age order). It may found the group only after announcing for the founding delay with no
/// answer during the last founding delay and no announcer on an older node.
/// </summary>
internal sealed class JoinAttempt
{
    private readonly Dictionary<MemberId, bool> _announcers = new();
    private long _startedAt;
    private long _lastAnswerAt = long.MinValue / 2;
    private long _nextAnnounceAt;

    /// <summary>The node is Up, so the member announces itself (set once, by <see cref="Start"/>).</summary>
    public bool NodeUp { get; private set; }

    /// <summary>Starts (or, for a merging joiner that falls back to the founding rule, restarts) announcing at <paramref name="nowMs"/>.</summary>
    public void Start(long nowMs)
    {
        NodeUp = true;
        _startedAt = nowMs;
        _nextAnnounceAt = nowMs;
    }

    /// <summary>A member of the group answered (an ack, or a probe that shows a group of this name exists).</summary>
    public void Answered(long nowMs) => _lastAnswerAt = nowMs;

    /// <summary>No member answered during the <paramref name="quietMs"/> before <paramref name="nowMs"/>.</summary>
    public bool UnansweredFor(long nowMs, long quietMs) => nowMs - _lastAnswerAt >= quietMs;

    /// <summary>Whether an announcement is due at <paramref name="nowMs"/>; if so the next one is due <paramref name="intervalMs"/> later.</summary>
    public bool TakeAnnouncementDue(long nowMs, long intervalMs)
    {
        if (nowMs < _nextAnnounceAt) return false;
        _nextAnnounceAt = nowMs + intervalMs;
        return true;
    }

    public void AnnouncedBy(MemberId joiner, bool fromOlderNode) => _announcers[joiner] = fromOlderNode;

    /// <summary>A joiner left or was downed: it no longer counts as an announcer.</summary>
    public void Forget(MemberId joiner) => _announcers.Remove(joiner);

    /// <summary>The clock allows founding at <paramref name="nowMs"/> (the cluster's answers are checked separately).</summary>
    public bool MayFound(long nowMs, long foundingDelayMs) =>
        nowMs - _startedAt >= foundingDelayMs && UnansweredFor(nowMs, foundingDelayMs) && !_announcers.ContainsValue(true);

    /// <summary>The announcers, to admit once this member founded the group; forgets them.</summary>
    public List<MemberId> TakeAnnouncers()
    {
        var announcers = _announcers.Keys.ToList();
        _announcers.Clear();
        return announcers;
    }
}
