using ActorCausal.Protocol;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Event;
using static ActorCausal.Internal.GroupActorMarkers;

namespace ActorCausal.Internal;

// The driver's part of merging two groups of one name (the decisions are the protocol's, GroupMember.Merge.cs): probes
// go to the group actor of every Up node outside the view; when this node's group closes its view to merge, the actor
// goes on with the member's next incarnation (same actor, same handle and subscriber, so what is sent to the old
// incarnation reaches the new one, which repairs peers that missed the closing commit), and asks the application for its
// state at the end of the closed view, which the new incarnation offers to the winner.
internal sealed partial class GroupActor
{
    private void ProbeOthers(MergeProbe probe)
    {
        foreach (var node in _nodes.OthersUp)
        {
            var address = node.Address.ToString();
            if (probe.Members.Any(m => string.Equals(m.Address, address, StringComparison.Ordinal))) continue;
            PeerRef(ClusterMemberTracker.IdOf(node)).Tell(new GroupProbe(_self, probe), Self);
        }
    }

    private void OnProbe(GroupProbe probe)
    {
        if (!SenderIs(probe.From))
        {
            _unverifiedSenders++;
            return;
        }
        LearnPeer(probe.From, Sender);
        AdvanceTime();
        _member.Receive(probe.From, probe.Probe);
        ProcessEffects();
    }

    private void StartMergingIncarnation(MergeHandover handover)
    {
        // What the closing incarnation queued leaves under its own name before the name changes.
        _outbox.SendAll();
        var previous = _self;
        _self = GroupIncarnation.Next(_cluster.SelfUniqueAddress, _group);
        _member = GroupMember.Merging(_self, handover, _protocolSettings, _clock.NowMs);
        _state = GroupActorState.Joining;
        _log.Info("Group {0}: {1} closed {2} to merge into {3}; joining it as {4} ({5} held broadcasts carried over).",
            _group, previous, handover.Origin, handover.Target, _self, handover.HeldBroadcasts);
        Timers.StartPeriodicTimer("join", JoinTimer.Instance, _settings.JoinRetryInterval, _settings.JoinRetryInterval);
        _snapshots.Request(handover.Origin.Id, _deliveredCount);
    }
}
