using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;

namespace ActorCausal.Internal;

// Peers and batching. Every protocol message bound for a member is queued in the Outbox (Outbox.cs: the batching
// rules); a batch leaves as one GroupEnvelope (one remote message) when it is full, or when the actor has drained the
// inputs that were in its mailbox: the first queued message posts a FlushOutbox marker to Self, which the mailbox
// delivers after everything already waiting there. An idle group therefore sends at once, a busy one in batches, and
// no timer is involved (unless linger > 0).
internal sealed partial class GroupActor
{
    private readonly IActorRefProvider _provider;
    private readonly Dictionary<MemberId, IActorRef> _peers = new();
    private readonly Outbox _outbox;
    private bool _flushScheduled;

    internal sealed class FlushOutbox
    {
        public static readonly FlushOutbox Instance = new();
    }

    /// <summary>
    /// Remembers the exact actor (path with uid) behind <paramref name="member"/>, from a message it sent and that was
    /// verified to come from its node. A member that joined again after leaving has a new actor at the same path, and
    /// Akka.Remote resolves a path without uid on the receiving node through a cache that may still hold the stopped
    /// actor (ActorRefResolveThreadLocalCache): traffic addressed by path alone would go to dead letters there.
    /// </summary>
    private void LearnPeer(MemberId member, IActorRef sender)
    {
        if (member == _self || sender.IsNobody() || sender.Path.Uid == 0 || !sender.Path.Address.HasGlobalScope) return;
        if (_learned.TryGetValue(member, out var known) && known.Equals(sender)) return; // every envelope: usually known
        if (_learned.Count > 1024) _learned.Clear();
        _learned[member] = sender;
    }

    /// <summary>Exact actors of members, learned from their messages (LearnPeer); kept across views, since a joiner is addressed before it is in one.</summary>
    private readonly Dictionary<MemberId, IActorRef> _learned = new();

    /// <summary>The group actor of this group on <paramref name="member"/>'s node: the one it sent from, or resolved from its address without a round trip.</summary>
    private IActorRef PeerRef(MemberId member)
    {
        if (_learned.TryGetValue(member, out var exact)) return exact;
        if (_peers.TryGetValue(member, out var peer)) return peer;
        var path = new RootActorPath(AddressOf(member)) / "system" / _settings.GuardianName / Self.Path.Name;
        peer = _provider.ResolveActorRef(path);
        _peers[member] = peer;
        return peer;
    }

    /// <summary>
    /// Where group traffic for <paramref name="member"/> goes: its exact actor once learned (LearnPeer), else an actor
    /// selection of its path. A resolved path-only ref can be resolved on the receiving node through Akka.Remote's cache to
    /// a stopped earlier incarnation at the same path (a rejoined member that a member sends to before it hears from it:
    /// the coordinator's flush can arrive before the joiner's announcement), which ends in dead letters; a selection is
    /// looked up in the receiver's actor tree at delivery.
    /// </summary>
    private ICanTell MemberTarget(MemberId member) =>
        _learned.TryGetValue(member, out var exact)
            ? exact
            : Context.ActorSelection(new RootActorPath(AddressOf(member)) / "system" / _settings.GuardianName / Self.Path.Name);

    private void ForgetPeersNotIn(GroupView view)
    {
        foreach (var m in _peers.Keys.Where(m => !view.Contains(m) && !_outbox.HasBatchFor(m)).ToList()) _peers.Remove(m);
    }

    private void Enqueue(MemberId to, ProtocolMessage message)
    {
        if (to == _self)
        {
            // The protocol never addresses itself; should it, the message comes back through the mailbox like any other.
            Self.Tell(new GroupEnvelope(_self, [message]), Self);
            return;
        }
        var estimate = WireTypes.EstimateBytes(message);
        if (TrySendInPieces(to, message, estimate)) return;
        _outbox.Add(to, message, estimate);
    }

    private void ScheduleOutbox()
    {
        if (_flushScheduled || !_outbox.HasPending) return;
        _flushScheduled = true;
        if (_settings.Batching.Linger > TimeSpan.Zero)
            Timers.StartSingleTimer("outbox", FlushOutbox.Instance, _settings.Batching.Linger);
        else
            Self.Tell(FlushOutbox.Instance, Self);
    }

    /// <summary>The last envelope sent: the outbox hands the same batch to several members as the same array (Outbox.SendAll).</summary>
    private GroupEnvelope? _lastEnvelope;

    private void SendEnvelope(MemberId to, ImmutableArray<ProtocolMessage> messages)
    {
        GroupEnvelope envelope;
        if (_lastEnvelope is { } last && last.Messages == messages && last.From == _self)
        {
            envelope = last;
            SharedEnvelopeBytes.MarkShared(envelope);
        }
        else
        {
            envelope = _lastEnvelope = new GroupEnvelope(_self, messages);
        }
        MemberTarget(to).Tell(envelope, Self);
        _envelopesSent++;
        _protocolMessagesSent += messages.Length;
    }
}
