using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster;

namespace ActorCausal.Internal;

/// <summary>What a cluster event asks of the group actor beyond the protocol inputs <see cref="ClusterEventInputs.Apply"/> gave the member.</summary>
internal enum ClusterStep
{
    None,
    /// <summary>This node is Up: start joining (<see cref="ClusterEventInputs.StartJoining"/>).</summary>
    SelfUp,
    /// <summary>A node came Up before this one: announce the joiner to it.</summary>
    AnnounceTo,
    /// <summary>This node leaves the cluster while a member: leave the group.</summary>
    SelfLeaving,
    /// <summary>This node was downed or removed before it was admitted: stop.</summary>
    SelfGoneBeforeAdmission,
    /// <summary>The cluster shuts down; no cluster event is applied from here on.</summary>
    ShuttingDown,
}

/// <summary>
/// Cluster membership to protocol inputs. Identities: a group member is MemberId(node address, incarnation) with the
/// node's cluster uid and the count of this group's joins on that node in it (GroupIncarnation). A node that restarts at
/// the same address has a new uid, and a member that leaves and joins again a new count, so each is a new member and its
/// old incarnation is gone. Cluster events are about nodes: each is applied to every member on that node that the
/// tracker knows (<see cref="ClusterMemberTracker"/>).
///
/// Joining and founding are the protocol's (GroupMember.Joining.cs, GroupMember.Founding.cs): the actor tells it when its
/// node is Up (NodeUp), carries its AnnounceJoin as a JoinRequest to the group actor of every other Up node and its
/// AckJoin as a JoinAck, and feeds what arrives back (Announced, JoinAcknowledged). Founding learns every other Up node
/// with its age (PeerNodeUp), unreachable and reachable again, gone; and with each announcement the actor sends Akka's
/// Identify (<see cref="IdentifyId"/>) to the group's actor path on every other Up node, whose ActorIdentity without a
/// subject means no group actor of this name runs there (<see cref="NodeWithoutGroup"/>, NoGroupOn). So a joiner founds
/// only once every reachable Up node has answered and none runs a member or an older joiner; two founders need nodes
/// that cannot reach each other, and the two groups of one name then merge (GroupActor.Merge.cs, docs/protocol.md
/// "Merging").
/// </summary>
internal sealed class ClusterEventInputs(ClusterMemberTracker nodes)
{
    private const string IdentifyPrefix = "actorcausal-founding|";

    /// <summary>Set by ClusterShuttingDown, published before the MemberRemoved of every member (ClusterDomainEventPublisher.PostStop): none of those is a removal by the side that goes on, so no cluster event is applied from then on.</summary>
    public bool ShutDown { get; private set; }

    /// <summary>
    /// Applies <paramref name="e"/> to the tracker and to <paramref name="member"/> (in <paramref name="view"/>, with the
    /// actor in <paramref name="state"/>); <paramref name="forgotten"/> hears each member on a node gone for good.
    /// Returns what is left for the actor, with the node it is about.
    /// </summary>
    public (ClusterStep Step, Member? Node) Apply(object e, GroupMember member, GroupActorState state, ImmutableArray<MemberId> view, Action<MemberId> forgotten)
    {
        switch (e)
        {
            case ClusterEvent.MemberUp up:
                nodes.Up(up.Member);
                if (nodes.IsSelf(up.Member)) return state == GroupActorState.WaitingForClusterUp ? (ClusterStep.SelfUp, up.Member) : default;
                if (nodes.SelfMember is { } self) member.PeerNodeUp(NodeOf(up.Member), up.Member.IsOlderThan(self));
                // A merging incarnation offers itself to the group it merges into instead (GroupMember.Merge.cs).
                else if (state == GroupActorState.Joining && !member.IsMergeJoining) return (ClusterStep.AnnounceTo, up.Member);
                return default;
            case ClusterEvent.MemberLeft or ClusterEvent.MemberExited:
            {
                var m = ((ClusterEvent.MemberStatusChange)e).Member;
                nodes.NotUp(m);
                if (!nodes.IsSelf(m)) member.PeerNodeGone(NodeOf(m));
                return nodes.IsSelf(m) && state == GroupActorState.Member ? (ClusterStep.SelfLeaving, m) : default;
            }
            case ClusterEvent.MemberDowned downed when !nodes.IsSelf(downed.Member):
                // Not a removal: one resolver decision downs the peers first and this node last, and on the losing side
                // those peers are the ones that go on. Only MemberRemoved (the leader of the side that goes on, once it
                // converged) changes the view; see GroupMember.Downed.
                nodes.NotUp(downed.Member);
                member.PeerNodeGone(NodeOf(downed.Member));
                foreach (var id in nodes.MembersOn(downed.Member, view)) member.Downed(id);
                return default;
            case ClusterEvent.MemberDowned downed:
                return Gone(downed.Member, member, state, view, forgotten);
            case ClusterEvent.MemberRemoved removed:
                return Gone(removed.Member, member, state, view, forgotten);
            case ClusterEvent.ClusterShuttingDown:
                ShutDown = true;
                return (ClusterStep.ShuttingDown, null);
            case ClusterEvent.UnreachableMember unreachable when !nodes.IsSelf(unreachable.Member):
                member.PeerNodeUnreachable(NodeOf(unreachable.Member));
                foreach (var id in nodes.MembersOn(unreachable.Member, view)) member.Suspected(id);
                return default;
            case ClusterEvent.ReachableMember reachable when !nodes.IsSelf(reachable.Member):
                member.PeerNodeReachable(NodeOf(reachable.Member));
                foreach (var id in nodes.MembersOn(reachable.Member, view)) member.Reachable(id);
                return default;
        }
        return default;
    }

    /// <summary>This node is Up: founding learns every other Up node with its age, then the member starts joining.</summary>
    public void StartJoining(GroupMember member, Member self)
    {
        foreach (var m in nodes.OthersUp) member.PeerNodeUp(NodeOf(m), m.IsOlderThan(self));
        member.NodeUp();
    }

    /// <summary>The message id of the Identify sent with an announcement to <paramref name="node"/>.</summary>
    public static string IdentifyId(Member node) => IdentifyPrefix + NodeOf(node);

    /// <summary>The node an answer to <see cref="IdentifyId"/> says runs no group actor of this name (no subject), or null.</summary>
    public static string? NodeWithoutGroup(ActorIdentity identity) =>
        identity.MessageId is string id && id.StartsWith(IdentifyPrefix, StringComparison.Ordinal) && identity.Subject is null ? id[IdentifyPrefix.Length..] : null;

    private static string NodeOf(Member m) => ClusterMemberTracker.NodeOf(m);

    /// <summary>A node was downed or removed: final. Its member (if any) leaves the next view; if it is this node, stop at once.</summary>
    private (ClusterStep, Member?) Gone(Member m, GroupMember member, GroupActorState state, ImmutableArray<MemberId> view, Action<MemberId> forgotten)
    {
        nodes.NotUp(m);
        if (nodes.IsSelf(m))
        {
            if (state != GroupActorState.Member) return (ClusterStep.SelfGoneBeforeAdmission, m);
            member.DownedSelf();
            return default;
        }
        member.PeerNodeGone(NodeOf(m));
        foreach (var id in nodes.Remove(m, view))
        {
            forgotten(id);
            member.Removed(id);
        }
        return default;
    }
}
