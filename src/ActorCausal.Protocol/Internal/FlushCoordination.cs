using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Where the coordinator is in one flush round. Only the protocol's own flush coordination uses it (it is public but no
/// driver needs it): see docs/protocol.md, "The flush".
/// </summary>
public enum FlushStage
{
    /// <summary>It sent <see cref="FlushRequest"/> and waits for a <see cref="FlushReport"/> from every participant.</summary>
    Collecting,
    /// <summary>
    /// It decided and sent <see cref="FlushPrepare"/>, and waits for a <see cref="FlushPrepareAck"/> from every participant before
    /// it sends <see cref="FlushCommit"/>. The round's new membership is fixed from here: a join or leave asked for now waits
    /// for the next view change; only a removed participant, or a higher round heard of, starts a new round.
    /// </summary>
    Preparing,
}

/// <summary>The coordinator's side of one flush round.</summary>
internal sealed class FlushCoordination(FlushRound round, ImmutableArray<int> participants, ImmutableArray<MemberId> newMembers, long retryDelayMs)
{
    public FlushRound Round { get; } = round;
    public ImmutableArray<int> Participants { get; } = participants;
    public ImmutableArray<MemberId> NewMembers { get; } = newMembers;
    public Dictionary<int, FlushReport> Reports { get; } = new();
    public HashSet<int> Acks { get; } = new();
    public FlushStage Stage { get; set; } = FlushStage.Collecting;
    public FlushDecision? Decision { get; set; }
    public long RetryAtMs { get; set; }
    public long RetryBackoffMs { get; set; } = retryDelayMs;
}

/// <summary>Joiners of a view that this member must (or may have to) welcome with its snapshot of the view boundary.</summary>
internal sealed class WelcomeDuty(GroupView view, ImmutableArray<MemberId> joined)
{
    public GroupView View { get; } = view;
    public ImmutableArray<MemberId> Joined { get; } = joined;
    public HashSet<MemberId> Pending { get; } = new(joined);
    public ReadOnlyMemory<byte>? Snapshot { get; set; }
    /// <summary>Other sides of a merge whose state the joiners get after the group's own (GroupMember.Merge.cs).</summary>
    public ImmutableArray<MergeSide> Merged { get; init; } = [];
    public long RetryAtMs { get; set; }
    public long RetryBackoffMs { get; set; }
}
