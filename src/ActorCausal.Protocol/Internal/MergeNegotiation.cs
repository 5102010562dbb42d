using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// A coordinator's side of merging with another group of the same name (GroupMember.Merge.cs): when it probes next,
/// the one merge request it may have out, when it last accepted a request, and the group it closes its view to merge
/// into. A request or an acceptance blocks the other for two merge intervals, so two coordinators whose requests cross
/// do not merge into each other; a request unanswered for two intervals lapses.
/// </summary>
internal sealed class MergeNegotiation(long mergeIntervalMs, long probeReplyIntervalMs)
{
    private long _nextProbeAt;
    private long _lastProbeReplyAt = long.MinValue / 2;
    private (MemberId To, long At)? _request;
    private long _acceptedAt = long.MinValue / 2;

    /// <summary>Set once this coordinator closes its view to merge into this group (it never goes back).</summary>
    public GroupView? Target { get; private set; }

    public bool HasRequestOut => _request is not null;

    /// <summary>Whether a probe is due at <paramref name="nowMs"/> (then the next one is a merge interval later); a lapsed request is dropped first.</summary>
    public bool TakeProbeDue(long nowMs)
    {
        if (_request is { } pending && nowMs - pending.At >= 2 * mergeIntervalMs) _request = null;
        if (nowMs < _nextProbeAt) return false;
        _nextProbeAt = nowMs + mergeIntervalMs;
        return true;
    }

    /// <summary>Whether to answer a probe at once (at most once per reply interval).</summary>
    public bool TakeProbeReplyDue(long nowMs)
    {
        if (nowMs - _lastProbeReplyAt < probeReplyIntervalMs) return false;
        _lastProbeReplyAt = nowMs;
        return true;
    }

    /// <summary>No request is out and no acceptance happened during the last two merge intervals.</summary>
    public bool MayRequest(long nowMs) => _request is null && !AcceptedRecently(nowMs);

    public void Requested(MemberId winner, long nowMs) => _request = (winner, nowMs);

    public void Accepted(long nowMs) => _acceptedAt = nowMs;

    /// <summary>
    /// <paramref name="from"/> accepted this coordinator's request: true (and the request is answered) when it is the one
    /// asked and this coordinator accepted nobody during the last two merge intervals.
    /// </summary>
    public bool TakeAcceptance(MemberId from, long nowMs)
    {
        if (_request is not { } pending || pending.To != from || AcceptedRecently(nowMs)) return false;
        _request = null;
        return true;
    }

    public void CloseInto(GroupView winner) => Target = winner;

    private bool AcceptedRecently(long nowMs) => nowMs - _acceptedAt < 2 * mergeIntervalMs;
}
