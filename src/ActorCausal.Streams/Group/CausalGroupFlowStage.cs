using ActorCausal.Internal;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using Akka.Streams.Supervision;
using Decider = Akka.Streams.Supervision.Decider;
using Directive = Akka.Streams.Supervision.Directive;

namespace ActorCausal.Streams;

/// <summary>
/// The stage behind <see cref="CausalGroupFlow"/>: it tells each element to the group actor as an
/// <see cref="OrderedBroadcast"/> from its stage actor, with up to <see cref="CausalGroupFlowSettings.MaxInFlight"/>
/// not yet answered, and emits the ids in the order the elements came. The group actor answers in the order told and
/// queues (rather than refuses) what it cannot send yet, so a refusal for back-pressure can never let a later element
/// overtake an earlier one; the stage itself never retries and never sleeps. A <see cref="BroadcastOutcome.Held"/>
/// answer's id is taken from <see cref="CausalGroupMember.Released"/> (the source sees the release).
/// </summary>
internal sealed class CausalGroupFlowStage<T> : GraphStage<FlowShape<T, MessageId>> where T : notnull
{
    private readonly CausalGroupMember _member;
    private readonly DeliveryOrder _order;
    private readonly CausalGroupFlowSettings _settings;
    private readonly Inlet<T> _in = new("CausalGroupFlow.in");
    private readonly Outlet<MessageId> _out = new("CausalGroupFlow.out");

    public CausalGroupFlowStage(CausalGroupMember member, DeliveryOrder order, CausalGroupFlowSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(settings.MaxInFlight, OrderedBroadcast.MaxQueued);
        _member = member;
        _order = order;
        _settings = settings;
        Shape = new FlowShape<T, MessageId>(_in, _out);
    }

    public override FlowShape<T, MessageId> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("causalGroupBroadcast");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, inheritedAttributes);

    /// <summary>One element told to the group: its id once answered (sent, or released after being held).</summary>
    private sealed class InFlight
    {
        public MessageId? Id;
        public bool Answered;
        public bool Skipped;
    }

    /// <summary>Sends the elements taken since it was told: the stage actor gets it after the current turn.</summary>
    private sealed class FlushBatch
    {
        public static readonly FlushBatch Instance = new();
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private readonly List<Broadcast> _batch = new();
        private readonly CausalGroupFlowStage<T> _stage;
        private readonly Decider _decider;
        private readonly Queue<InFlight> _inFlight = new();
        private readonly Queue<InFlight> _awaitingReply = new();
        private IActorRef _self = ActorRefs.Nobody;
        private IActorRef? _group;
        private readonly Queue<T> _beforeGroup = new();
        private Action<(InFlight, MessageId)> _released = null!;
        private Action<Exception> _fail = null!;
        private GroupStopped? _stopped;
        private bool _failed;

        /// <summary>How long answers may still come after the member stopped (the group actor answers what it holds before it stops).</summary>
        private static readonly TimeSpan AnswersAfterStop = TimeSpan.FromSeconds(10);

        public Logic(CausalGroupFlowStage<T> stage, Attributes attributes) : base(stage.Shape)
        {
            _stage = stage;
            _decider = attributes.GetAttribute(new ActorAttributes.SupervisionStrategy(Deciders.StoppingDecider)).Decider;
            SetHandler(stage._in, onPush: OnPush, onUpstreamFinish: CompleteIfDone, onUpstreamFailure: FailStage);
            SetHandler(stage._out, onPull: Emit);
        }

        public override void PreStart()
        {
            _self = GetStageActor(OnMessage).Ref;
            _released = GetAsyncCallback<(InFlight Entry, MessageId Id)>(r => OnAnswered(r.Entry, r.Id));
            _fail = GetAsyncCallback<Exception>(FailStage);
            var groupKnown = GetAsyncCallback<IActorRef>(OnGroupKnown);
            _stage._member.Group.Ref.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) groupKnown(t.Result);
                else _fail(new BroadcastRefusedException(new BroadcastReply(_stage._member.Group.Name, BroadcastOutcome.Refused, default, 0,
                    RefusalReason.NotJoined, $"The group actor did not start: {t.Exception?.GetBaseException().Message}")));
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            var stopped = GetAsyncCallback<GroupStopped>(OnMemberStopped);
            _stage._member.Stopped.ContinueWith(t => stopped(t.Result), CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Pull(_stage._in);
        }

        private void OnMemberStopped(GroupStopped stopped)
        {
            _stopped = stopped;
            if (_awaitingReply.Count > 0 || _beforeGroup.Count > 0) ScheduleOnce("stopped", AnswersAfterStop);
        }

        protected override void OnTimer(object timerKey)
        {
            // The group actor stopped without answering (it was gone before the last elements reached it).
            if (_awaitingReply.Count > 0 || _beforeGroup.Count > 0) FailStage(new GroupStoppedException(_stopped!));
        }

        public override void PostStop()
        {
            // What the group still queues for this stage would go out with nobody waiting for its id.
            if (_group is not null && _awaitingReply.Count > 0) _group.Tell(DropOrderedBroadcasts.Instance, _self);
        }

        private void OnGroupKnown(IActorRef group)
        {
            _group = group;
            while (_beforeGroup.TryDequeue(out var element)) Tell(element);
        }

        private void OnPush()
        {
            var element = Grab(_stage._in);
            if (_group is null) _beforeGroup.Enqueue(element);
            else Tell(element);
            if (_inFlight.Count + _beforeGroup.Count < _stage._settings.MaxInFlight) Pull(_stage._in);
        }

        private void Tell(T element)
        {
            var entry = new InFlight();
            _inFlight.Enqueue(entry);
            if (_stopped is not null)
            {
                OnRefused(entry, new BroadcastReply(_stopped.Group, BroadcastOutcome.Refused, default, 0, RefusalReason.Stopped,
                    $"This member stopped ({_stopped.Reason}): {_stopped.Detail}"));
                return;
            }
            _awaitingReply.Enqueue(entry);
            var request = new Broadcast(element, _stage._order);
            if (!_stage._settings.BatchBroadcasts)
            {
                _group!.Tell(new OrderedBroadcast(request), _self);
                return;
            }
            if (_batch.Count == 0) _self.Tell(FlushBatch.Instance, _self); // after what this turn still takes
            _batch.Add(request);
        }

        private void SendBatch()
        {
            if (_batch.Count == 0) return;
            _group!.Tell(_batch.Count == 1 ? new OrderedBroadcast(_batch[0]) : new OrderedBroadcastBatch(_batch.ToArray()), _self);
            _batch.Clear();
        }

        private void OnMessage((IActorRef Sender, object Message) received)
        {
            if (received.Message is FlushBatch)
            {
                SendBatch();
                return;
            }
            if (received.Message is not OrderedBroadcastReplies replies) return;
            foreach (var reply in replies.Replies)
            {
                if (!_awaitingReply.TryDequeue(out var entry)) return; // more answers than elements told: cannot happen, the stage actor is this stage's
                OnReply(entry, reply);
                if (_failed) return; // a refusal under the Stop decider
            }
        }

        private void OnReply(InFlight entry, BroadcastReply reply)
        {
            switch (reply.Outcome)
            {
                case BroadcastOutcome.Sent:
                    OnAnswered(entry, reply.Id);
                    break;
                case BroadcastOutcome.Held:
                    entry.Answered = true;
                    var ticket = reply.Ticket;
                    var member = _stage._member;
                    member.Released(ticket).ContinueWith(t =>
                    {
                        member.Forget(ticket);
                        if (t.IsCompletedSuccessfully) _released((entry, t.Result));
                        else _fail(t.Exception!.GetBaseException());
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    break;
                default:
                    OnRefused(entry, reply);
                    break;
            }
        }

        private void OnAnswered(InFlight entry, MessageId id)
        {
            entry.Answered = true;
            entry.Id = id;
            Emit();
        }

        private void OnRefused(InFlight entry, BroadcastReply reply)
        {
            var error = new BroadcastRefusedException(reply);
            if (_decider(error) == Directive.Stop)
            {
                _failed = true;
                FailStage(error);
                return;
            }
            entry.Answered = true;
            entry.Skipped = true;
            Emit();
        }

        /// <summary>Emits the ids known at the head, in element order; pulls again when the window has room.</summary>
        private void Emit()
        {
            while (_inFlight.TryPeek(out var head) && (head.Skipped || (head.Id is not null && IsAvailable(_stage._out))))
            {
                _inFlight.Dequeue();
                if (!head.Skipped) Push(_stage._out, head.Id!.Value);
            }
            if (!IsClosed(_stage._in) && !HasBeenPulled(_stage._in) && _inFlight.Count + _beforeGroup.Count < _stage._settings.MaxInFlight)
                Pull(_stage._in);
            CompleteIfDone();
        }

        private void CompleteIfDone()
        {
            if (IsClosed(_stage._in) && _inFlight.Count == 0 && _beforeGroup.Count == 0) CompleteStage();
        }
    }
}
