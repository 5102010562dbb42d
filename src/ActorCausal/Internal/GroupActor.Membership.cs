using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Cluster;
using static ActorCausal.Internal.GroupActorMarkers;

namespace ActorCausal.Internal;

// Cluster membership to protocol inputs (ClusterEventInputs: identities, joining and founding), the join handshake's
// messages and the founding Identify.
internal sealed partial class GroupActor
{
    private readonly Cluster _cluster;
    private readonly Address _selfAddress;
    /// <summary>This node's member of the group; a merge (GroupActor.Merge.cs) moves it to a new incarnation.</summary>
    private MemberId _self;
    /// <summary>The Up nodes and the members heard of (views, join requests), to apply node-level cluster events to.</summary>
    private readonly ClusterMemberTracker _nodes;
    private readonly ClusterEventInputs _clusterInputs;

    private void OnClusterEvent(object e)
    {
        if (_clusterInputs.ShutDown) return;
        AdvanceTime();
        var (step, node) = _clusterInputs.Apply(e, _member, _state, _view.Members, forgotten: id => _learned.Remove(id));
        switch (step)
        {
            case ClusterStep.SelfUp:
                _state = GroupActorState.Joining;
                AdvanceTime();
                _clusterInputs.StartJoining(_member, node!);
                // The protocol decides when to announce and whether to found; this timer only gives it time at that pace.
                Timers.StartPeriodicTimer("join", JoinTimer.Instance, _settings.JoinRetryInterval, _settings.JoinRetryInterval);
                break;
            case ClusterStep.AnnounceTo:
                Announce(node!);
                break;
            case ClusterStep.SelfLeaving:
                OnLeave(ActorRefs.Nobody, "this node is leaving the cluster");
                break;
            case ClusterStep.SelfGoneBeforeAdmission when _stopped is null:
                Stop(new GroupStopped(_group, GroupStopReason.Downed, "The cluster downed or removed this node before it was admitted."));
                break;
            // A node downed by another node's decision learns it from gossip and shuts down at once, often before its
            // own MemberDowned reaches this actor: the shutdown's reason is then the only word of the downing.
            case ClusterStep.ShuttingDown when CoordinatedShutdown.Get(Context.System).ShutdownReason is CoordinatedShutdown.ClusterDowningReason:
                OnNodeDowned();
                break;
        }
        ProcessEffects();
    }

    /// <summary>
    /// This node shuts down because the cluster downed it (<see cref="CausalGuardian.NodeDowned"/> at the start of the
    /// shutdown, or ClusterShuttingDown with the downing reason): stop as this node's own MemberDowned would. A leave
    /// under way finishes as a leave.
    /// </summary>
    private void OnNodeDowned()
    {
        if (_leaving || _stopped is not null) return;
        if (_state == GroupActorState.Member) _member.DownedSelf();
        else Stop(new GroupStopped(_group, GroupStopReason.Downed, "The cluster downed this node (it is shutting down) before it was admitted."));
        ProcessEffects();
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
                .Tell(new Identify(ClusterEventInputs.IdentifyId(m)), Self);
        }
    }

    /// <summary>An answer to AnnounceToAll's Identify: no subject means no group actor of this name on that node.</summary>
    private void OnIdentity(ActorIdentity identity)
    {
        if (ClusterEventInputs.NodeWithoutGroup(identity) is not { } node || _state != GroupActorState.Joining) return;
        AdvanceTime();
        _member.NoGroupOn(node);
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
