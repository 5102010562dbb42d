using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Counters and the status snapshot.
public sealed partial class GroupMember
{
    private readonly long[] _rejected = new long[Enum.GetValues<RejectReason>().Length];
    private long _sent;
    private long _received;
    private long _deliveredCount;
    private long _delayed;
    private long _retransmitted;
    private long _naksSent;
    private long _duplicates;
    private long _refused;
    private long _clockSkewEvents;
    private long _delaySumMs;
    private long _maxDelayMs;

    /// <summary>A new snapshot of this member's view, phase, member states, counters and buffer sizes (<see cref="MemberStatus"/>); it changes no state, so a driver may call it at any time, e.g. to answer a status query.</summary>
    public MemberStatus Status()
    {
        var rejected = ImmutableDictionary.CreateBuilder<RejectReason, long>();
        for (var i = 0; i < _rejected.Length; i++)
        {
            if (_rejected[i] > 0) rejected[(RejectReason)i] = _rejected[i];
        }
        int pending = 0, buffered = 0;
        foreach (var log in _viewState.Logs)
        {
            pending += log.Pending;
            buffered += log.Count;
        }
        return new MemberStatus
        {
            Self = Self,
            ViewId = View.Id,
            ViewSize = _viewState.Size,
            Phase = _phase,
            Members = View.Members.ToImmutableDictionary(m => m, StateOf),
            ViewChanges = _viewChanges,
            HeldBroadcasts = _held.Count,
            Sent = _sent,
            Received = _received,
            Delivered = _deliveredCount,
            Delayed = _delayed,
            PendingNow = pending,
            UnstableBuffered = buffered - pending,
            Retransmitted = _retransmitted,
            NaksSent = _naksSent,
            Duplicates = _duplicates,
            Refused = _refused,
            ClockSkewEvents = _clockSkewEvents,
            AvgDeliveryDelayMs = _deliveredCount == 0 ? 0 : (double)_delaySumMs / _deliveredCount,
            MaxDeliveryDelayMs = _maxDelayMs,
            Rejected = rejected.ToImmutable(),
            SafeDelivered = _safeDelivered,
            SafeAcksSent = _safeAcksSent,
        };
    }
}
