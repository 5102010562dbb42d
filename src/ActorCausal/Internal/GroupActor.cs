using System.Collections.Immutable;
using ActorCausal.Metrics;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using static ActorCausal.Internal.GroupActorMarkers;
using P = ActorCausal.Protocol;

namespace ActorCausal.Internal;

/// <summary>
/// One group on one node: a thin shell around one <see cref="GroupMember"/>. Akka timers become <c>Tick</c>, cluster
/// events become membership inputs, envelopes from peer group actors become <c>Receive</c>, and the member's effects
/// become Tells (to peers, batched per destination, and to the subscriber). All protocol decisions are the member's.
/// </summary>
internal sealed partial class GroupActor : UntypedActor, IWithTimers
{
    private readonly string _group;
    private readonly IActorRef _subscriber;
    private readonly CausalGroupsSettings _settings;
    private readonly GroupMemberSettings _protocolSettings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;
    private readonly MonotonicClock _clock = new();
    private readonly List<Effect> _effects = new();
    private readonly KeyValuePair<string, object?> _tag;
    private readonly ProtocolMetricsReport _metrics;

    private GroupMember _member;
    private GroupActorState _state = GroupActorState.WaitingForClusterUp;
    private GroupView _view;
    private GroupStopped? _stopped;
    private Exception? _failure;
    private long _lastTickMs;
    private readonly SubscriberEffects _subscriberEffects;
    private readonly List<IActorRef> _leaveRequesters = new();
    private bool _leaving;

    // counters the protocol does not keep
    private long _inputsRejected;
    private long _unverifiedSenders;
    private long _joinRequestsIgnored;
    private long _envelopesSent;
    private long _protocolMessagesSent;
    private readonly PeerFanout _fanout = new();
    private long _viewChanges;

    private readonly GroupHandleState _handle;
    private readonly JoinOptions _options;
    private long _deliveredCount;
    private readonly SnapshotRequests _snapshots;
    private readonly DeliveredEvents _deliveredEvents;
    private readonly DeliveredPosition _position;

    public GroupActor(string group, IActorRef subscriber, CausalGroupsSettings settings, GroupMemberSettings protocolSettings, JoinOptions options, GroupHandleState handle)
    {
        _handle = handle;
        _options = options;
        _group = group;
        _position = new DeliveredPosition(group);
        _subscriber = subscriber;
        _settings = settings;
        _tag = CausalMetrics.GroupTag(group);
        _metrics = new ProtocolMetricsReport(group, _tag, settings.MetricsInterval, this);
        _cluster = Cluster.Get(Context.System);
        _selfAddress = _cluster.SelfAddress;
        _self = GroupIncarnation.Next(_cluster.SelfUniqueAddress, group);
        _nodes = new ClusterMemberTracker(_cluster.SelfUniqueAddress);
        _clusterInputs = new ClusterEventInputs(_nodes);
        _provider = ((ExtendedActorSystem)Context.System).Provider;
        _outbox = new Outbox(settings.Batching, SendEnvelope);
        _chunkSender = new ChunkSender(settings.Chunking.PieceSize, SerializeWhole);
        _reassembly = new ChunkReassembly(settings.Chunking, DeserializeWhole);
        _orderedQueues = NewOrderedQueues();
        _heldUntilAdmitted = new HeldUntilAdmitted(group, protocolSettings.MaxUnstable, _log);
        _subscriberEffects = new SubscriberEffects(group, options.Stateless);
        _snapshots = new SnapshotRequests(group, options, subscriber, settings.SnapshotTimeout, Self, Self, _log);
        _deliveredEvents = new DeliveredEvents(group, payload => PayloadSerialization.Deserialize(_serialization, payload), _log);
        _protocolSettings = GroupProtocolSettings.For(protocolSettings, settings, options);
        _member = GroupMember.Joining(_self, _protocolSettings, _clock.NowMs);
        _view = _member.View;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.ClusterShuttingDown));
        Context.Watch(_subscriber);
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.TickInterval);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        CausalMetrics.Forget(this);
        var stopped = _stopped;
        if (stopped is null)
        {
            stopped = GroupStops.ActorEnded(_group, _failure);
            HandToReader(ignoreCredits: true);
            _subscriber.Tell(stopped);
        }
        _state = GroupActorState.Stopped;
        GroupStatus final;
        try
        {
            final = Status();
        }
        catch (Exception e)
        {
            // A member that failed may not give its counters; the handle still learns that it stopped.
            _log.Warning("Group {0}: no final status ({1}).", _group, e.Message);
            final = GroupStatus.StoppedWithoutCounters(_group, _self, _view);
        }
        PublishStop(stopped);
        RefuseOrderedBroadcasts(stopped);
        _handle.OnActorStopped(final, stopped);
    }

    protected override void OnReceive(object message)
    {
        try
        {
            Handle(message);
        }
        catch (Exception e)
        {
            _failure = e;
            throw;
        }
    }

    private void Handle(object message)
    {
        switch (message)
        {
            case GroupEnvelope envelope:
                OnEnvelope(envelope);
                break;
            case GroupChunk chunk:
                OnChunk(chunk);
                break;
            case Tick:
                OnTick();
                break;
            case FlushOutbox:
                _flushScheduled = false;
                _outbox.SendAll();
                break;
            case Broadcast broadcast:
                OnBroadcast(broadcast);
                break;
            case OrderedBroadcast or OrderedBroadcastBatch or DropOrderedBroadcasts or FlushOrderedReplies:
                OnOrderedMessage(message);
                break;
            case RequestDeliveries request:
                OnRequestDeliveries(request);
                break;
            case FlushReaderBatch:
                SendReaderBatch();
                break;
            case JoinRequest request:
                OnJoinRequest(request);
                break;
            case JoinAck ack:
                OnJoinAck(ack);
                break;
            case ActorIdentity identity:
                OnIdentity(identity);
                break;
            case GroupProbe probe:
                OnProbe(probe);
                break;
            case JoinTimer:
                OnJoinTimer();
                break;
            case ClusterEvent.IMemberEvent or ClusterEvent.IReachabilityEvent or ClusterEvent.ClusterShuttingDown:
                OnClusterEvent(message);
                break;
            case CausalGuardian.NodeDowned:
                OnNodeDowned();
                Sender.Tell(Done.Instance);
                break;
            case GetGroupStatus:
                Sender.Tell(Status());
                break;
            case GetDeliveredToken:
                Sender.Tell(_position.Token());
                break;
            case SnapshotTaken taken:
                OnSnapshotTaken(taken);
                break;
            case LeaveGroup:
                OnLeave(Sender, "the application asked to leave");
                break;
            case LeaveTimedOut:
                OnLeaveTimedOut();
                break;
            case StopNow:
                _outbox.SendAll();
                Context.Stop(Self);
                break;
            case Terminated t when t.ActorRef.Equals(_subscriber):
                if (_stopped is null && !_leaving) _log.Info("Group {0}: subscriber {1} terminated; leaving the group.", _group, _subscriber);
                _awaitingReader.Clear(); // nobody will read them
                OnLeave(ActorRefs.Nobody, "the subscriber terminated");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // ------------------------------------------------------------------ inputs

    /// <summary>Feeds the protocol the current time (at most once per millisecond), so stamps and timers stay fresh between timer ticks.</summary>
    private void AdvanceTime()
    {
        var now = _clock.NowMs;
        if (now <= _lastTickMs) return;
        _lastTickMs = now;
        _member.Tick(now);
    }

    private void OnTick()
    {
        AdvanceTime();
        ExpireTransfers();
        CheckReaderStall();
        ProcessEffects();
        if (_settings.MetricsEnabled) _metrics.ReportIfDue(_lastTickMs, _member.Status);
    }

    private void OnEnvelope(GroupEnvelope envelope)
    {
        if (!SenderIs(envelope.From))
        {
            _unverifiedSenders++;
            _log.Warning("Group {0}: dropped an envelope of {1} protocol messages claiming to come from {2}, sent by {3}.",
                _group, envelope.Messages.Length, envelope.From, Sender);
            return;
        }
        LearnPeer(envelope.From, Sender);
        AdvanceTime();
        foreach (var m in envelope.Messages)
        {
            if (m is null) continue;
            _member.Receive(envelope.From, m);
        }
        ProcessEffects();
    }

    private void OnBroadcast(Broadcast request)
    {
        var reply = TryBroadcast(request);
        if (!reply.Accepted && _settings.MetricsEnabled) CausalMetrics.Refused.Add(1, _tag, new("reason", reply.Reason.ToString()));
        // The reply goes out before the effects of the broadcast (its own delivery among them), so a subscriber that
        // broadcasts with Tell sees its send before the delivery, in the group's local order.
        Sender.Tell(reply);
        ProcessEffects();
    }

    private BroadcastReply TryBroadcast(Broadcast request)
    {
        if (BroadcastRequests.Refusal(_group, request, _state == GroupActorState.Stopped, _stopped) is { } invalid) return invalid;
        var verify = _options.VerifyPayloads ?? _settings.VerifyPayloads;
        if (BroadcastRequests.Serialize(_group, request, p => PayloadSerialization.Serialize(_serialization, p, verify), out var payload) is { } unserializable)
            return unserializable;
        var deps = BroadcastRequests.DependsOn(request);
        if (_state != GroupActorState.Member && !_member.IsMergeJoining) return _heldUntilAdmitted.Hold(payload, request.Order, deps);
        AdvanceTime();
        return BroadcastRequests.Reply(_group, _member.Broadcast(payload, request.Order, deps), _position);
    }

    private void OnSnapshotTaken(SnapshotTaken taken)
    {
        _snapshots.Received(taken);
        _member.ProvideSnapshot(taken.ViewId, taken.Snapshot);
        ProcessEffects();
    }

    private void OnLeave(IActorRef requester, string why)
    {
        if (!requester.IsNobody()) _leaveRequesters.Add(requester);
        if (_stopped is not null)
        {
            FinishLeave();
            return;
        }
        if (_state != GroupActorState.Member)
        {
            Stop(new GroupStopped(_group, GroupStopReason.Left, $"Left before being admitted ({why})."));
            FinishLeave();
            return;
        }
        if (_leaving) return;
        _leaving = true;
        _log.Info("Group {0}: leaving ({1}).", _group, why);
        Timers.StartSingleTimer("leave-timeout", LeaveTimedOut.Instance, _settings.LeaveTimeout);
        AdvanceTime();
        _member.Leave();
        ProcessEffects();
    }

    private void OnLeaveTimedOut()
    {
        if (_stopped is not null) return;
        _log.Warning("Group {0}: no view without this member was installed within {1}; stopping anyway.", _group, _settings.LeaveTimeout);
        Stop(new GroupStopped(_group, GroupStopReason.Left, $"Leave timed out after {_settings.LeaveTimeout}; the other members may still count this one."));
        FinishLeave();
    }

    /// <summary>Answers the leave requesters, sends what is still batched, and stops the actor.</summary>
    private void FinishLeave()
    {
        // The guardian hears of the stop before the requesters do, so a Join that follows the answer waits for the
        // name to be free instead of finding it taken.
        Context.Parent.Tell(new CausalGuardian.GroupActorStopping(Self.Path.Name));
        _outbox.SendAll();
        foreach (var r in _leaveRequesters) r.Tell(_stopped!);
        _leaveRequesters.Clear();
        if (_lingering) return;
        _lingering = true;
        Timers.Cancel("tick");
        Timers.Cancel("join");
        // Linger a little before stopping: what the others sent before they applied the view without this member still
        // arrives (the stopped protocol absorbs it and repairs a missed commit) instead of ending in dead letters.
        Timers.StartSingleTimer("linger", StopNow.Instance, TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, _settings.JoinRetryInterval.Ticks * 2)));
    }

    private bool _lingering;

    // ------------------------------------------------------------------ effects

    private void ProcessEffects()
    {
        if (!_member.HasPendingEffects)
        {
            RetryOrderedBroadcasts(); // an input without effects (gossip, acks) may still have made room
            return;
        }
        _effects.Clear();
        _member.DrainEffects(_effects);
        foreach (var effect in _effects)
        {
            switch (effect)
            {
                case Send or SendToAll:
                    _fanout.Route(effect, _self, _view.Members, Enqueue);
                    break;
                case Deliver deliver:
                    OnDeliver(deliver);
                    break;
                case InputRejected rejected:
                    OnRejected(rejected);
                    break;
                case ClockSkewExceeded skew:
                    _log.Warning("Group {0}: {1}'s hybrid logical clock is {2} ms ahead of this node's (bound {3} ms); not merged.",
                        _group, skew.From, skew.SkewMs, _protocolSettings.MaxClockSkewMs);
                    break;
                case ViewChangedByMinority minority:
                    _log.Warning("Group {0}: the view change that closed {1} was decided from the reports of {2} only, fewer than half of it: majority-safe uniformity is not proven for that view (docs/protocol.md, Majority-safe).",
                        _group, minority.Closed, string.Join(", ", minority.Reporters));
                    break;
                case ViewInstalled installed:
                    OnViewInstalled(installed.View, installed.Joined, installed.Left);
                    break;
                case P.PeerSuspected or P.PeerReachable or LoadSnapshot or P.MergeSnapshot:
                    if (_subscriberEffects.EventOf(effect) is { } e) ToSubscriber(e);
                    break;
                case TakeSnapshot take:
                    _snapshots.Request(take.ViewId, _deliveredCount);
                    break;
                case AnnounceJoin:
                    AnnounceToAll();
                    break;
                case AckJoin ack:
                    PeerRef(ack.To).Tell(new JoinAck(_self, ack.ViewId), Self);
                    break;
                case HeldBroadcastSent held:
                    _subscriber.Tell(new BroadcastReleased(_group, _heldUntilAdmitted.ApplicationTicket(held.Ticket), held.Id) { Token = _position.TokenOf(held.Id) });
                    break;
                case P.Stopped { Reason: StopReason.Merged } merged:
                    _log.Info("Group {0}: {1}", _group, merged.Detail); // the next incarnation (MergingInto) goes on
                    break;
                case P.Stopped stopped:
                    Stop(GroupStops.FromProtocol(_group, stopped));
                    break;
                case ProbeOtherNodes probe:
                    ProbeOthers(probe.Probe);
                    break;
                case MergingInto into:
                    StartMergingIncarnation(into.Handover);
                    break;
                default:
                    _log.Warning("Group {0}: unknown protocol effect {1}.", _group, effect.GetType().Name);
                    break;
            }
        }
        _effects.Clear();
        ReleaseHeldUntilAdmitted();
        _position.PublishTo(_handle.Deliveries);
        _chunkSender.ForgetLastSerialized(); // the bytes of the last chunked message: reused across its recipients, not kept
        ScheduleOutbox();
        if (_stopped is not null && _leaving) FinishLeave();
        RetryOrderedBroadcasts();
    }

    private void OnDeliver(Deliver deliver)
    {
        _deliveredCount++;
        ToSubscriber(_deliveredEvents.Of(deliver, AddressOf(deliver.Sender), _view.Members));
        if (_settings.MetricsEnabled)
        {
            CausalMetrics.Delivered.Add(1, _tag);
            CausalMetrics.DeliveryLatency.Record(Math.Max(0, _clock.NowMs - deliver.Message.Time.WallMs), _tag);
        }
    }

    private void OnRejected(InputRejected rejected)
    {
        _inputsRejected++;
        if (_settings.MetricsEnabled) CausalMetrics.Rejected.Add(1, _tag, new("reason", rejected.Reason.ToString()));
        if (!_settings.LogRejectedInputs) return;
        if (rejected.Reason is RejectReason.StaleView)
            _log.Debug("Group {0}: refused input from {1} ({2}): {3}", _group, rejected.From, rejected.Reason, rejected.Detail);
        else
            _log.Warning("Group {0}: refused input from {1} ({2}): {3}", _group, rejected.From, rejected.Reason, rejected.Detail);
    }

    private void OnViewInstalled(GroupView view, ImmutableArray<MemberId> joined, ImmutableArray<MemberId> left)
    {
        var first = _state != GroupActorState.Member;
        _view = view;
        _position.ViewInstalled(view);
        _state = GroupActorState.Member;
        _viewChanges++;
        _subscriberEffects.ViewInstalled(view);
        if (first) Timers.Cancel("join");
        if (first) OnAdmitted(view);
        ForgetPeersNotIn(view);
        if (_settings.MetricsEnabled) CausalMetrics.ViewChanges.Add(1, _tag);
        _log.Info("Group {0}: installed {1} (joined: [{2}], left: [{3}]).", _group, view, string.Join(", ", joined), string.Join(", ", left));
        ToSubscriber(new ViewChanged(_group, view, joined, left));
    }

    private void Stop(GroupStopped stopped)
    {
        if (_stopped is not null) return;
        _stopped = stopped;
        _state = GroupActorState.Stopped;
        Timers.Cancel("join");
        Timers.Cancel("leave-timeout");
        _log.Info("Group {0}: stopped ({1}): {2}", _group, stopped.Reason, stopped.Detail);
        HandToReader(ignoreCredits: true);
        _subscriber.Tell(stopped);
        DropHeldUntilAdmitted(stopped);
        PublishStop(stopped);
    }

    /// <summary>The member's last position, then the end of every wait it has not passed.</summary>
    private void PublishStop(GroupStopped stopped)
    {
        _position.PublishTo(_handle.Deliveries);
        _handle.Deliveries.Stop($"{stopped.Reason}: {stopped.Detail}");
    }

    // ------------------------------------------------------------------ status and metrics

    private GroupStatus Status() => new()
    {
        Group = _group,
        Self = _self,
        State = _state,
        Phase = _member.Phase,
        View = _view,
        Protocol = _member.Status(),
        InputsRejected = _inputsRejected + _orderedQueues.Rejected + _heldUntilAdmitted.Refused,
        UnverifiedSenders = _unverifiedSenders,
        JoinRequestsIgnored = _joinRequestsIgnored,
        PayloadDeserializationFailures = _deliveredEvents.PayloadFailures,
        SnapshotTimeouts = _snapshots.Missing,
        EnvelopesSent = _envelopesSent,
        ProtocolMessagesSent = _protocolMessagesSent,
        ProtocolMessagesSentByKind = _fanout.SentByKind.Snapshot(),
        ViewChanges = _viewChanges,
        ChunksSent = _chunkSender.ChunksSent,
        ChunkedMessagesSent = _chunkSender.ChunkedMessagesSent,
        SinglePiecesSent = _chunkSender.SinglePiecesSent,
        ChunkedMessagesReceived = _reassembly.ChunkedMessagesReceived,
        ChunksRefused = _reassembly.Refused,
        ChunkTransfersExpired = _reassembly.Expired,
        ReaderBacklog = ReaderBacklog(),
        ReaderCredits = _readerCredits,
        Suspected = [.. _subscriberEffects.Suspected],
    };
}
