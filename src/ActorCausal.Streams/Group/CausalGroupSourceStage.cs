using ActorCausal.Internal;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorCausal.Streams;

/// <summary>
/// Joins the group with the stage's actor as subscriber and emits what it receives, buffered up to
/// <see cref="CausalGroupSourceSettings.BufferSize"/>: on demand, the stage gives the group that much credit at the start
/// and gives it back as downstream takes deliveries. The group's <see cref="GroupStopped"/> is emitted last, then the
/// stage completes (left) or fails with <see cref="GroupStoppedException"/> (downed, excluded, failed). When the stage
/// stops for any other reason (cancelled, failed, aborted) the member leaves.
/// </summary>
internal sealed class CausalGroupSourceStage : GraphStageWithMaterializedValue<SourceShape<IGroupEvent>, Task<CausalGroupMember>>
{
    private readonly string _group;
    private readonly CausalGroupSourceSettings _settings;
    private readonly Outlet<IGroupEvent> _out = new("CausalGroupSource.out");

    public CausalGroupSourceStage(string group, CausalGroupSourceSettings settings)
    {
        CausalGroups.ActorNameOf(group);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BufferSize, 1);
        _group = group;
        _settings = settings;
        Shape = new SourceShape<IGroupEvent>(_out);
    }

    public override SourceShape<IGroupEvent> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("causalGroupSource");

    public override ILogicAndMaterializedValue<Task<CausalGroupMember>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var member = new TaskCompletionSource<CausalGroupMember>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task<CausalGroupMember>>(new Logic(this, member, inheritedAttributes), member.Task);
    }

    private sealed class Logic : GraphStageLogic
    {
        private readonly CausalGroupSourceStage _stage;
        private readonly TaskCompletionSource<CausalGroupMember> _materialized;
        private readonly Queue<IGroupEvent> _buffer = new();
        private CausalGroupMember? _member;
        private GroupStopped? _stopped;
        private IActorRef _self = ActorRefs.Nobody;
        private readonly Attributes _attributes;
        private int _bufferSize;
        private int _taken;

        public Logic(CausalGroupSourceStage stage, TaskCompletionSource<CausalGroupMember> materialized, Attributes attributes) : base(stage.Shape)
        {
            _stage = stage;
            _materialized = materialized;
            _attributes = attributes;
            _bufferSize = stage._settings.BufferSize;
            SetHandler(stage._out, onPull: Deliver);
        }

        public override void PreStart()
        {
            try
            {
                var self = _self = GetStageActor(OnMessage).Ref;
                var materializer = Materializer as ActorMaterializer ?? throw new InvalidOperationException("CausalGroupSource needs an ActorMaterializer.");
                var system = materializer.System;
                _bufferSize = BufferSize(materializer.Settings);
                var group = CausalGroups.Get(system).Join(_stage._group, self, _stage._settings.EffectiveJoinOptions());
                _member = new CausalGroupMember(group);
                var refused = GetAsyncCallback<Exception>(e => FailStage(new InvalidOperationException($"Joining group '{_stage._group}' failed: {e.Message}", e)));
                group.Ref.ContinueWith(t => refused(t.Exception!.GetBaseException()), CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                if (_stage._settings.OnDemand)
                {
                    var credit = new RequestDeliveries(_bufferSize);
                    group.Ref.ContinueWith(t => t.Result.Tell(credit, self), CancellationToken.None,
                        TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                }
                _materialized.TrySetResult(_member);
            }
            catch (Exception e)
            {
                _materialized.TrySetException(e);
                throw;
            }
        }

        /// <summary>
        /// The stream's <see cref="Attributes.InputBuffer"/> when one was given (its max), else the settings'. Every stage
        /// inherits the materializer's default input buffer, so only one that differs from it counts as given.
        /// </summary>
        private int BufferSize(ActorMaterializerSettings defaults)
        {
            var given = _attributes.GetAttribute<Attributes.InputBuffer>(null);
            return given is null || (given.Initial == defaults.InitialInputBufferSize && given.Max == defaults.MaxInputBufferSize)
                ? _stage._settings.BufferSize
                : Math.Max(1, given.Max);
        }

        public override void PostStop()
        {
            if (_member is null || _stopped is not null) return;
            // The stream stopped (cancelled, failed, aborted): the member leaves; its GroupStopped completes the member's Stopped.
            var member = _member;
            member.Group.Leave().ContinueWith(t => member.OnStopped(t.IsCompletedSuccessfully
                    ? t.Result
                    : new GroupStopped(_stage._group, GroupStopReason.Failed, $"Leaving after the stream stopped failed: {t.Exception?.GetBaseException().Message}")),
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        private void OnMessage((IActorRef Sender, object Message) received)
        {
            if (received.Message is SnapshotRequest request)
            {
                // Only reached with a join option that asks the subscriber anyway: answer with an empty state.
                received.Sender.Tell(new SnapshotResponse(request.ViewId, ReadOnlyMemory<byte>.Empty));
                return;
            }
            switch (received.Message)
            {
                case GroupEventBatch batch:
                    foreach (var e in batch.Events)
                        if (!Buffer(e)) return;
                    break;
                case IGroupEvent e:
                    if (!Buffer(e)) return;
                    break;
                default:
                    return;
            }
            Deliver();
        }

        /// <summary>Keeps <paramref name="e"/> for downstream (nothing after <see cref="GroupStopped"/>); false when it overflowed the buffer and failed the stage.</summary>
        private bool Buffer(IGroupEvent e)
        {
            if (_stopped is not null) return true;
            _member!.OnEvent(e);
            if (e is GroupStopped stopped) _stopped = stopped;
            _buffer.Enqueue(e);
            if (_stage._settings.OnDemand || _buffer.Count <= _bufferSize) return true;
            FailStage(new BufferOverflowException(
                $"CausalGroupSource '{_stage._group}': {_buffer.Count} events wait for demand (buffer-size {_bufferSize}); the member leaves the group."));
            return false;
        }

        private void Deliver()
        {
            if (IsAvailable(_stage._out) && _buffer.TryDequeue(out var next))
            {
                Push(_stage._out, next);
                if (next is Delivered) GiveBackCredit();
            }
            if (_buffer.Count > 0 || _stopped is null) return;
            if (_stopped.Reason == GroupStopReason.Left) CompleteStage();
            else FailStage(new GroupStoppedException(_stopped));
        }

        /// <summary>Returns the credit of the deliveries downstream took, a quarter of the buffer at a time (one message per batch, not per element).</summary>
        private void GiveBackCredit()
        {
            if (!_stage._settings.OnDemand || _stopped is not null) return;
            _taken++;
            if (_taken < Math.Max(1, _bufferSize / 4)) return;
            var group = _member!.Group.Ref;
            if (!group.IsCompletedSuccessfully) return;
            group.Result.Tell(new RequestDeliveries(_taken), _self);
            _taken = 0;
        }
    }
}
