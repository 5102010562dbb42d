using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorCausal.Streams;

/// <summary>
/// The fan-in stage of <see cref="CausalMerge"/>. A partition is pulled again once its element is placed (emitted,
/// ready or waiting) while fewer than one element per partition is ready and the waiting bound is not reached, so each
/// partition is back-pressured on its own and a slow downstream stops all of them.
/// </summary>
internal sealed class CausalMergeStage<T> : GraphStageWithMaterializedValue<UniformFanInShape<PartitionRecord<T>, CausalMerged<T>>, CausalMergeProgress>
{
    private readonly CausalMergeSettings _settings;
    private readonly CausalCheckpoint? _resumeFrom;

    public CausalMergeStage(int partitions, CausalMergeSettings settings, CausalCheckpoint? resumeFrom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        settings.Validate();
        _settings = settings;
        _resumeFrom = resumeFrom;
        var inlets = Enumerable.Range(0, partitions).Select(i => new Inlet<PartitionRecord<T>>($"CausalMerge.in{i}")).ToArray();
        Shape = new UniformFanInShape<PartitionRecord<T>, CausalMerged<T>>(new Outlet<CausalMerged<T>>("CausalMerge.out"), inlets);
    }

    public override UniformFanInShape<PartitionRecord<T>, CausalMerged<T>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("causalMerge");

    public override ILogicAndMaterializedValue<CausalMergeProgress> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var progress = new CausalMergeProgress(Shape.Inlets.Count(), _resumeFrom);
        return new LogicAndMaterializedValue<CausalMergeProgress>(new Logic(this, progress), progress);
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string StallTimer = "stall";
        private readonly CausalMergeStage<T> _stage;
        private readonly CausalMergeProgress _progress;
        private readonly MergeBuffer<T> _buffer;
        private readonly Inlet<PartitionRecord<T>>[] _inlets;
        private readonly Outlet<CausalMerged<T>> _out;
        private int _open;
        private long _emitted;
        private long _emittedAtLastTick = -1;
        private int _idleTicks;

        public Logic(CausalMergeStage<T> stage, CausalMergeProgress progress) : base(stage.Shape)
        {
            _stage = stage;
            _progress = progress;
            _inlets = stage.Shape.Ins.ToArray();
            _out = stage.Shape.Out;
            _buffer = new MergeBuffer<T>(_inlets.Length, stage._resumeFrom);
            _open = _inlets.Length;
            for (var i = 0; i < _inlets.Length; i++)
            {
                var index = i;
                SetHandler(_inlets[i], onPush: () => OnPush(index), onUpstreamFinish: () =>
                {
                    _open--;
                    CheckFinished();
                }, onUpstreamFailure: Fail);
            }
            SetHandler(_out, onPull: () =>
            {
                Emit();
                for (var i = 0; i < _inlets.Length; i++) MaybePull(i);
                CheckFinished();
            }, onDownstreamFinish: cause =>
            {
                _progress.Complete();
                CompleteStage();
            });
        }

        public override void PreStart()
        {
            for (var i = 0; i < _inlets.Length; i++) Pull(_inlets[i]);
            if (_stage._settings.StallTimeout is { } stall) ScheduleRepeatedly(StallTimer, stall / 4);
        }

        private void OnPush(int partition)
        {
            var record = Grab(_inlets[partition]);
            _buffer.Add(partition, record);
            if (record.IsHeartbeat) _progress.Advance(partition, _buffer.SafeOffset(partition));
            Emit();
            MaybePull(partition);
            CheckFinished();
        }

        private void Emit()
        {
            if (!IsAvailable(_out) || !_buffer.TryTake(out var merged)) return;
            _emitted++;
            _progress.Record(merged.Partition, merged.SafeOffset, merged.Element.Id);
            Push(_out, merged);
        }

        private void MaybePull(int partition)
        {
            var inlet = _inlets[partition];
            if (IsClosed(inlet) || HasBeenPulled(inlet)) return;
            if (_buffer.Ready >= _inlets.Length || _buffer.Waiting >= _stage._settings.MaxBuffered) return;
            Pull(inlet);
        }

        private void CheckFinished()
        {
            if (_buffer.Ready > 0) return;
            if (_open == 0)
            {
                if (_buffer.Waiting == 0)
                {
                    _progress.Complete();
                    CompleteStage();
                }
                else Fail(new MissingDependenciesException(_buffer.Missing(), $"every partition completed with {_buffer.Waiting} elements still waiting"));
                return;
            }
            if (_buffer.Waiting >= _stage._settings.MaxBuffered && _inlets.All(i => IsClosed(i) || !HasBeenPulled(i)))
                Fail(new MissingDependenciesException(_buffer.Missing(), $"{_buffer.Waiting} elements wait (max-buffered {_stage._settings.MaxBuffered})"));
        }

        protected override void OnTimer(object timerKey)
        {
            var stalled = _buffer.Waiting > 0 && _buffer.Ready == 0 && _emitted == _emittedAtLastTick;
            _idleTicks = stalled ? _idleTicks + 1 : 0;
            _emittedAtLastTick = _emitted;
            if (_idleTicks >= 4)
                Fail(new MissingDependenciesException(_buffer.Missing(), $"nothing emitted for {_stage._settings.StallTimeout} while {_buffer.Waiting} elements wait"));
        }

        private void Fail(Exception cause)
        {
            _progress.Fail(cause);
            FailStage(cause);
        }
    }
}
