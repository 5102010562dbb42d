using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Messages;

/// <summary>
/// Traffic between two groups of one name that do not know each other (GroupMember.Merge.cs). The receiver is not in the
/// sender's view, so these are handled before the membership checks of <see cref="GroupMember.Receive"/>.
/// <see cref="ProtocolMessage.ViewId"/> is the sender's view.
/// </summary>
public abstract record MergeMessage(long ViewId, ImmutableArray<MemberId> Members) : ProtocolMessage(ViewId)
{
    /// <summary>The sender's view as it describes it.</summary>
    public GroupView View => new(ViewId, Members);
}

/// <summary>A coordinator's periodic "this group exists": its view, to every Up node not in it.</summary>
public sealed record MergeProbe(long ViewId, ImmutableArray<MemberId> Members) : MergeMessage(ViewId, Members);

/// <summary>The coordinator of the side that loses asks the winner's coordinator whether it may merge into it.</summary>
public sealed record MergeRequest(long ViewId, ImmutableArray<MemberId> Members) : MergeMessage(ViewId, Members);

/// <summary>The winner's coordinator agrees: the loser closes its view and its members join the winner.</summary>
public sealed record MergeAccept(long ViewId, ImmutableArray<MemberId> Members) : MergeMessage(ViewId, Members);

/// <summary>
/// A member of the losing side, as a new incarnation, asks a member of the winner to admit it; it carries the losing
/// side's last view (<see cref="MergeMessage.View"/>) and the application state at its end, which the winner's members
/// merge at the view change that admits it.
/// </summary>
public sealed record MergeOffer(long ViewId, ImmutableArray<MemberId> Members, ReadOnlyMemory<byte> Snapshot) : MergeMessage(ViewId, Members);

/// <summary>
/// A member already in another group (<see cref="MergeMessage.View"/>) got a welcome into this one (two groups of one name
/// both admitted it): it is not coming, and the receivers drop it from their view as if the cluster had removed it.
/// </summary>
public sealed record WelcomeDeclined(long ViewId, ImmutableArray<MemberId> Members) : MergeMessage(ViewId, Members);

/// <summary>The other side of a merge: its last view and the application state at the end of that view.</summary>
public sealed record MergeSide(GroupView View, ReadOnlyMemory<byte> Snapshot);
