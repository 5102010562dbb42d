using ActorCausal.Metrics;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ActorCausal.Internal;

// Cluster membership to protocol inputs, the join handshake and founding.
//
// Identities: a group member is MemberId(node address, incarnation) with the node's cluster uid and the count of this
// group's joins on that node in it (GroupIncarnation). A node that restarts at the same address has a new uid, and a
// member that leaves and joins again a new count, so each is a new member and its old incarnation is gone. Cluster
// events are about nodes: each is applied to every member this actor knows on that node.
//
// Joining and founding are the protocol's (GroupMember.Joining.cs): this actor tells it when its node is Up (NodeUp),
// carries its AnnounceJoin as a JoinRequest to the group actor of every other Up node and its AckJoin as a JoinAck, and
// feeds what arrives back (Announced, with whether the joiner's node is older than this one by Akka's age order, once
// the joiner's node is Up here with that uid; JoinAcknowledged). It also tells the protocol what founding asks of the
// cluster (GroupMember.Founding.cs): every other Up node with its age (PeerNodeUp), unreachable and reachable again,
// gone; and with each announcement it sends Akka's Identify to the group's actor path on every other Up node, whose
// ActorIdentity without a subject means no group actor of this name runs there (NoGroupOn). So a joiner founds only
// once every reachable Up node has answered and none runs a member or an older joiner; two founders need nodes that
// cannot reach each other, and the two groups of one name then merge (GroupActor.Merge.cs, docs/protocol.md "Merging").
internal sealed partial class GroupActor
{
    private readonly Cluster _cluster;
    private readonly Address _selfAddress;
    /// <summary>This node's member of the group; a merge (GroupActor.Merge.cs) moves it to a new incarnation.</summary>
    private MemberId _self;
    /// <summary>The Up nodes and the members heard of (views, join requests), to apply node-level cluster events to.</summary>
    private readonly ClusterMemberTracker _nodes;

    private sealed class JoinTimer
    {
        public static readonly JoinTimer Instance = new();
    }

    private bool _clusterShutDown;

    private void OnClusterEvent(object e)
    {
        if (_clusterShutDown) return;
        AdvanceTime();
        switch (e)
        {
            case ClusterEvent.MemberUp up:
                _nodes.Up(up.Member);
                if (_nodes.IsSelf(up.Member)) OnSelfUp(up.Member);
                else if (_nodes.SelfMember is { } self) _member.PeerNodeUp(NodeOf(up.Member), up.Member.IsOlderThan(self));
                // A merging incarnation offers itself to the group it merges into instead (GroupMember.Merge.cs).
                else if (_state == GroupActorState.Joining && !_member.IsMergeJoining) Announce(up.Member);
                break;
            case ClusterEvent.MemberLeft or ClusterEvent.MemberExited:
            {
                var m = ((ClusterEvent.MemberStatusChange)e).Member;
                _nodes.NotUp(m);
                if (!_nodes.IsSelf(m)) _member.PeerNodeGone(NodeOf(m));
                if (_nodes.IsSelf(m) && _state == GroupActorState.Member) OnLeave(ActorRefs.Nobody, "this node is leaving the cluster");
                break;
            }
            case ClusterEvent.MemberDowned downed when !_nodes.IsSelf(downed.Member):
                // Not a removal: one resolver decision downs the peers first and this node last, and on the losing side
                // those peers are the ones that go on. Only MemberRemoved (the leader of the side that goes on, once it
                // converged) changes the view; see GroupMember.Downed.
                _nodes.NotUp(downed.Member);
                _member.PeerNodeGone(NodeOf(downed.Member));
                foreach (var id in MembersOn(downed.Member)) _member.Downed(id);
                break;
            case ClusterEvent.MemberDowned downed:
                OnGone(downed.Member);
                break;
            case ClusterEvent.MemberRemoved removed:
                OnGone(removed.Member);
                break;
            case ClusterEvent.ClusterShuttingDown:
                // Published before the MemberRemoved of every member (ClusterDomainEventPublisher.PostStop): none of those
                // is a removal by the side that goes on, so no cluster event is fed to the member from here on. (A node
                // that was downed usually saw its own MemberDowned before this and stopped.)
                _clusterShutDown = true;
                // A node downed by another node's decision learns it from gossip and shuts down at once, often before
                // its own MemberDowned reaches this actor: the shutdown's reason is then the only word of the downing.
                if (CoordinatedShutdown.Get(Context.System).ShutdownReason is CoordinatedShutdown.ClusterDowningReason) OnNodeDowned();
                break;
            case ClusterEvent.UnreachableMember unreachable when !_nodes.IsSelf(unreachable.Member):
                _member.PeerNodeUnreachable(NodeOf(unreachable.Member));
                foreach (var id in MembersOn(unreachable.Member)) _member.Suspected(id);
                break;
            case ClusterEvent.ReachableMember reachable when !_nodes.IsSelf(reachable.Member):
                _member.PeerNodeReachable(NodeOf(reachable.Member));
                foreach (var id in MembersOn(reachable.Member)) _member.Reachable(id);
                break;
        }
        ProcessEffects();
    }

    /// <summary>
    /// This node shuts down because the cluster downed it (<see cref="CausalGuardian.NodeDowned"/> at the start of the
    /// shutdown, or ClusterShuttingDown with the downing reason): stop as this node's own MemberDowned would
    /// (<see cref="OnGone"/>). A leave under way finishes as a leave.
    /// </summary>
    private void OnNodeDowned()
    {
        if (_leaving || _stopped is not null) return;
        if (_state == GroupActorState.Member) _member.DownedSelf();
        else Stop(new GroupStopped(_group, GroupStopReason.Downed, "The cluster downed this node (it is shutting down) before it was admitted."));
        ProcessEffects();
    }

    /// <summary>A node was downed or removed: final. Its member (if any) leaves the next view; if it is this node, stop at once.</summary>
    private void OnGone(Member m)
    {
        _nodes.NotUp(m);
        if (!_nodes.IsSelf(m)) _member.PeerNodeGone(NodeOf(m));
        if (_nodes.IsSelf(m))
        {
            if (_state == GroupActorState.Member) _member.DownedSelf();
            else if (_stopped is null) Stop(new GroupStopped(_group, GroupStopReason.Downed, "The cluster downed or removed this node before it was admitted."));
            return;
        }
        foreach (var id in _nodes.Remove(m, _view.Members))
        {
            _learned.Remove(id);
            _member.Removed(id);
        }
    }

    /// <summary>Every member this actor has heard of (views, join requests) that lives on the cluster node <paramref name="node"/>.</summary>
    private List<MemberId> MembersOn(Member node) => _nodes.MembersOn(node, _view.Members);

    private void OnSelfUp(Member self)
    {
        if (_state != GroupActorState.WaitingForClusterUp) return;
        _state = GroupActorState.Joining;
        AdvanceTime();
        foreach (var m in _nodes.OthersUp) _member.PeerNodeUp(NodeOf(m), m.IsOlderThan(self));
        _member.NodeUp();
        // The protocol decides when to announce and whether to found; this timer only gives it time at that pace.
        Timers.StartPeriodicTimer("join", JoinTimer.Instance, _settings.JoinRetryInterval, _settings.JoinRetryInterval);
    }

    private void OnJoinTimer()
    {
        if (_state != GroupActorState.Joining) return;
        AdvanceTime();
        ProcessEffects();
    }

    /// <summary>
    /// The protocol's AnnounceJoin: a JoinRequest to the group actor of every other Up node, and Akka's Identify to the same
    /// path, answered without a subject where no group actor of this name runs (OnIdentity).
    /// </summary>
    private void AnnounceToAll()
    {
        foreach (var m in _nodes.OthersUp)
        {
            Announce(m);
            Context.ActorSelection(new RootActorPath(m.Address) / "system" / _settings.GuardianName / Self.Path.Name)
                .Tell(new Identify(IdentifyPrefix + NodeOf(m)), Self);
        }
    }

    private const string IdentifyPrefix = "actorcausal-founding|";

    private static string NodeOf(Member m) => ClusterMemberTracker.NodeOf(m);

    /// <summary>An answer to AnnounceToAll's Identify: no subject means no group actor of this name on that node.</summary>
    private void OnIdentity(ActorIdentity identity)
    {
        if (identity.MessageId is not string id || !id.StartsWith(IdentifyPrefix, StringComparison.Ordinal) || identity.Subject is not null) return;
        if (_state != GroupActorState.Joining) return;
        AdvanceTime();
        _member.NoGroupOn(id[IdentifyPrefix.Length..]);
        ProcessEffects();
    }

    private void Announce(Member m) => PeerRef(ClusterMemberTracker.IdOf(m)).Tell(new JoinRequest(_self), Self);

    private void OnJoinRequest(JoinRequest request)
    {
        if (!SenderIs(request.Joiner))
        {
            _unverifiedSenders++;
            return;
        }
        if (_nodes.UpMember(request.Joiner) is not { } node)
        {
            // Not Up here (yet): it repeats its request; the cluster's gossip will catch up.
            _joinRequestsIgnored++;
            return;
        }
        _nodes.Know(request.Joiner);
        LearnPeer(request.Joiner, Sender);
        if (_state == GroupActorState.Stopped) return;
        AdvanceTime();
        _member.Announced(request.Joiner, _nodes.SelfMember is { } self && node.IsOlderThan(self));
        ProcessEffects();
    }

    private void OnJoinAck(JoinAck ack)
    {
        if (!SenderIs(ack.Member))
        {
            _unverifiedSenders++;
            return;
        }
        LearnPeer(ack.Member, Sender);
        AdvanceTime();
        _member.JoinAcknowledged(ack.Member);
        ProcessEffects();
    }

    /// <summary>True when the transport sender of the current message is the group actor of <paramref name="claimed"/>'s node.</summary>
    private bool SenderIs(MemberId claimed)
    {
        var sender = Sender;
        if (sender is null || sender.IsNobody() || sender.Equals(Context.System.DeadLetters)) return false;
        var address = sender.Path.Address;
        if (!address.HasGlobalScope) address = _selfAddress;
        return string.Equals(address.ToString(), claimed.Address, StringComparison.Ordinal);
    }

    private Address AddressOf(MemberId member) => _nodes.AddressOf(member);
}
