using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Where a <see cref="GroupMember"/> is in its life, one case at a time: joining (a new member, or the next incarnation
/// of a merging one), normal in an installed view, flushing a view change, or stopped for a reason. The public
/// <see cref="MemberPhase"/> is its coarse reading (a merge-joining member reports <see cref="MemberPhase.Joining"/>).
/// </summary>
internal abstract record Lifecycle(MemberPhase Phase)
{
    public static readonly Lifecycle Joining = new JoiningGroup();
    public static readonly Lifecycle MergeJoining = new MergeJoiningGroup();
    public static readonly Lifecycle Normal = new InView();
    public static readonly Lifecycle Flushing = new FlushingView();

    public static Lifecycle Stopped(StopReason reason) => new StoppedFor(reason);

    /// <summary>Waiting for a first view: a new member (<see cref="Joining"/>) or a merging one (<see cref="MergeJoining"/>).</summary>
    public bool IsJoining => Phase == MemberPhase.Joining;

    /// <summary>Why the member stopped; null while it runs.</summary>
    public StopReason? StopReason => (this as StoppedFor)?.Reason;

    private sealed record JoiningGroup() : Lifecycle(MemberPhase.Joining);
    private sealed record MergeJoiningGroup() : Lifecycle(MemberPhase.Joining);
    private sealed record InView() : Lifecycle(MemberPhase.Normal);
    private sealed record FlushingView() : Lifecycle(MemberPhase.Flushing);
    private sealed record StoppedFor(StopReason Reason) : Lifecycle(MemberPhase.Stopped);
}
