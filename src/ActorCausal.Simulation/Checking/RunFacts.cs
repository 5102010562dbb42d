using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>
/// What the simulator knew about one member beyond what its application saw, recorded as facts for the checks to judge
/// (the simulator judges nothing itself): the cluster's membership at each of the member's view installs, and the
/// member's state when the run ended. Null in histories from cluster logs and hand-built ones that do not model it.
/// </summary>
public sealed record RunFacts
{
    /// <summary>One entry per view the member installed while the membership oracle ran, in install order.</summary>
    public ImmutableArray<InstallFacts> Installs { get; init; } = ImmutableArray<InstallFacts>.Empty;

    /// <summary>Tickets of held broadcasts that the protocol said it sent but never handed out (the id it gave each).</summary>
    public ImmutableArray<(long Ticket, MessageId Id)> UnknownTickets { get; init; } = ImmutableArray<(long, MessageId)>.Empty;

    /// <summary>The member's state when the run ended (null while a run is under way).</summary>
    public MemberEndState? End { get; init; }
}

/// <summary>
/// The cluster as the membership oracle saw it when the member installed view <see cref="ViewId"/> with
/// <see cref="Members"/>, leaving <see cref="Previous"/> (null for a joiner's first view): of the members of both views,
/// those the cluster had removed, those that had called Leave, those that had asked to join, those that are founding
/// members, and those that exist at all.
/// </summary>
public sealed record InstallFacts(
    long ViewId,
    ImmutableArray<MemberId> Members,
    ImmutableArray<MemberId>? Previous,
    ImmutableArray<MemberId> RemovedByCluster,
    ImmutableArray<MemberId> LeaveCalled,
    ImmutableArray<MemberId> AskedToJoin,
    ImmutableArray<MemberId> Founders,
    ImmutableArray<MemberId> Existing,
    long TimeMs);

/// <summary>One member's state at the end of a run, as the simulator found it.</summary>
public sealed record MemberEndState
{
    public required RunOutcome Run { get; init; }
    /// <summary>The process is dead (crashed, or exited after leaving).</summary>
    public bool Gone { get; init; }
    /// <summary>Never crashed, stopped, downed, cut off, paused, excluded or leaving (the oracle's view).</summary>
    public bool Correct { get; init; }
    public bool Leaving { get; init; }
    public bool Downed { get; init; }
    public bool Stopped { get; init; }
    public bool Joining { get; init; }
    public MemberPhase Phase { get; init; }
    public long? ViewId { get; init; }
    public ImmutableArray<MemberId> ViewMembers { get; init; } = ImmutableArray<MemberId>.Empty;
    /// <summary>Broadcasts answered Held that were never sent.</summary>
    public int HeldUnsent { get; init; }
    /// <summary>Unstable messages still buffered (-1: the protocol threw when asked).</summary>
    public int Buffered { get; init; }
    /// <summary>Whether this member's buffers must be empty at the end (every member without faults, correct ones with).</summary>
    public bool BuffersMustEmpty { get; init; }
}

/// <summary>How the whole run ended; one instance shared by every member's <see cref="MemberEndState"/>.</summary>
public sealed record RunOutcome
{
    /// <summary>The run reached quiescence before its time cap.</summary>
    public bool Quiescent { get; init; }
    /// <summary>The membership oracle ran (fault schedules).</summary>
    public bool FaultsOn { get; init; }
    public long EndTimeMs { get; init; }
    public long LastBroadcastMs { get; init; }
    /// <summary>Membership events (notifications, crashes, fault steps) still scheduled when the run ended.</summary>
    public int PendingMembershipEvents { get; init; }
    /// <summary>What the protocol threw, if it did (the run stopped there).</summary>
    public string? ProtocolError { get; init; }
    /// <summary>The member whose input threw (default when none was being fed).</summary>
    public MemberId ErrorMember { get; init; }
}
