using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

/// <summary>A new view is installed here: every message of the previous view that will ever be delivered here was delivered before this.</summary>
public sealed record ViewInstalled(GroupView View, ImmutableArray<MemberId> Joined, ImmutableArray<MemberId> Left) : Effect;

/// <summary>The failure detector suspects <see cref="Member"/> (no view change yet). The Akka runtime tells subscribers <c>MemberSuspected</c>.</summary>
public sealed record PeerSuspected(MemberId Member) : Effect;

/// <summary>The failure detector reaches the suspected <see cref="Member"/> again (a false suspicion healed, no view change). The Akka runtime tells subscribers <c>MemberReachable</c>.</summary>
public sealed record PeerReachable(MemberId Member) : Effect;

/// <summary>
/// Under <see cref="SafeQuorum.Majority"/>: the view change that closed <see cref="Closed"/> was decided from the reports of
/// fewer than half of its members (<see cref="Reporters"/>), so a majority-safe message that members now gone delivered
/// in that view may be delivered by no member that goes on (docs/protocol.md, Majority-safe). Delivery goes on; the Akka
/// runtime logs a warning, and <see cref="MemberStatus.ViewChangesByMinority"/> counts it.
/// </summary>
public sealed record ViewChangedByMinority(GroupView Closed, ImmutableArray<MemberId> Reporters) : Effect;

/// <summary>This member delivers nothing more.</summary>
public sealed record Stopped(StopReason Reason, string Detail) : Effect;

/// <summary>
/// The application must hand its state, as it stands after every delivery before this effect, to
/// <see cref="GroupMember.ProvideSnapshot"/>: a member joins with view <see cref="ViewId"/>.
/// </summary>
public sealed record TakeSnapshot(long ViewId) : Effect;

/// <summary>A joiner's first view: the application replaces its state with <see cref="Snapshot"/> before the deliveries that follow.</summary>
public sealed record LoadSnapshot(long ViewId, ReadOnlyMemory<byte> Snapshot) : Effect;

/// <summary>A broadcast accepted during a flush (<see cref="BroadcastResult.Ticket"/>) went out in the new view with this id.</summary>
public sealed record HeldBroadcastSent(long Ticket, MessageId Id) : Effect;

/// <summary>Announce this joining member to the group actor of every other Up node (the driver's JoinRequest).</summary>
public sealed record AnnounceJoin : Effect;

/// <summary>Tell the joiner <see cref="To"/> that the group exists (in view <see cref="ViewId"/>), so it must not found it.</summary>
public sealed record AckJoin(MemberId To, long ViewId) : Effect;
