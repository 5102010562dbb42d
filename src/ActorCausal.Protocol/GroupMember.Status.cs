using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// The status snapshot.
public sealed partial class GroupMember
{
    private readonly MemberCounters _counters = new();

    /// <summary>A new snapshot of this member's view, phase, member states, counters and buffer sizes (<see cref="MemberStatus"/>); it changes no state, so a driver may call it at any time, e.g. to answer a status query.</summary>
    public MemberStatus Status() =>
        _counters.FillIn(new MemberStatus
        {
            Self = Self,
            ViewId = View.Id,
            ViewSize = _viewState.Size,
            Phase = Phase,
            Members = View.Members.ToImmutableDictionary(m => m, StateOf),
            HeldBroadcasts = _held.Count,
            PendingNow = _viewState.Pending,
            UnstableBuffered = _viewState.Buffered - _viewState.Pending,
        });
}
