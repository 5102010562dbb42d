using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="GroupMerging"/> needs from its member beyond the <see cref="IMemberContext"/>: its phase and membership inputs.</summary>
internal interface IMergeHost : IMemberContext
{
    MemberPhase Phase { get; }
    /// <summary>This member asked to leave.</summary>
    bool IsLeaving { get; }
    bool IsDowned(MemberId member);
    /// <summary>The last commit this member applied (a merging member hands it over to repair members that missed it).</summary>
    FlushCommit? LastCommit { get; }

    /// <summary><see cref="GroupMember.Removed"/>.</summary>
    void Removed(MemberId member);
    /// <summary><see cref="GroupMember.JoinRequested"/>.</summary>
    void JoinRequested(MemberId member);
    void ForgetPendingJoin(MemberId member);
    /// <summary>The coordinator starts a flush if the membership it wants differs from the view.</summary>
    void CoordinateViewChange();
    void Stop(StopReason reason, string detail);
}
