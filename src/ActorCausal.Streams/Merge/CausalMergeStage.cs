using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorCausal.Streams;

/// <summary>
/// The fan-in stage of <see cref="CausalMerge"/>. A partition is pulled again once its element is placed (emitted,
/// ready or waiting) while fewer than one element per partition is ready and its share of the waiting bound is not
/// full, so each partition is back-pressured on its own and a slow downstream stops all of them.
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
        private readonly int _share;
        /// <summary>Partitions not pulled because enough elements are ready: pulled again, in turn, once fewer are.</summary>
        private readonly Queue<int> _deferred = new();
        private readonly bool[] _isDeferred;
        /// <summary>Partitions not pulled because their share of waiting elements is full: pulled once some are released.</summary>
        private readonly bool[] _full;
        private int _fullCount;
        /// <summary>Partitions whose element arrived while downstream had no demand, not yet grabbed.</summary>
        private readonly Queue<int> _arrived = new();
        private int _open;
        /// <summary>Partitions pulled whose element has not arrived.</summary>
        private int _outstanding;
        private readonly bool[] _pulled;
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
            _share = Math.Max(1, stage._settings.MaxBuffered / _inlets.Length);
            _isDeferred = new bool[_inlets.Length];
            _full = new bool[_inlets.Length];
            _pulled = new bool[_inlets.Length];
            _open = _inlets.Length;
            for (var i = 0; i < _inlets.Length; i++)
            {
                var index = i;
                SetHandler(_inlets[i], onPush: () => OnPush(index), onUpstreamFinish: () =>
                {
                    _open--;
                    if (_pulled[index]) _outstanding--;
                    _pulled[index] = false;
                    AfterEvent();
                }, onUpstreamFailure: Fail);
            }
            SetHandler(_out, onPull: () =>
            {
                Emit();
                while (IsAvailable(_out) && _arrived.TryDequeue(out var partition)) Take(partition);
                AfterEvent();
            }, onDownstreamFinish: cause =>
            {
                _progress.Complete();
                CompleteStage();
            });
        }

        public override void PreStart()
        {
            for (var i = 0; i < _inlets.Length; i++) DoPull(i);
            if (_stage._settings.StallTimeout is { } stall) ScheduleRepeatedly(StallTimer, stall / 4);
        }

        /// <summary>
        /// As Akka's Merge: an element that arrives while downstream has no demand stays in its inlet (the partition is
        /// not pulled again) and is taken, in arrival order, when downstream pulls.
        /// </summary>
        private void OnPush(int partition)
        {
            _pulled[partition] = false;
            _outstanding--;
            if (!IsAvailable(_out))
            {
                _arrived.Enqueue(partition);
                return;
            }
            Take(partition);
            AfterEvent();
        }

        /// <summary>Grabs the element of <paramref name="partition"/>: emits it at once if it can go, else holds it (and emits what is ready).</summary>
        private void Take(int partition)
        {
            var record = Grab(_inlets[partition]);
            if (_buffer.TryPass(partition, record, out var passed)) Emitted(passed);
            else
            {
                _buffer.Add(partition, record);
                if (record.IsHeartbeat) _progress.Advance(partition, _buffer.SafeOffset(partition));
                Emit();
            }
            MaybePull(partition);
        }

        private void Emit()
        {
            if (IsAvailable(_out) && _buffer.TryTake(out var merged)) Emitted(merged);
        }

        private void Emitted(CausalMerged<T> merged)
        {
            _emitted++;
            _progress.Record(merged.Partition, merged.SafeOffset, _buffer.LastProducer, merged.Element.Id);
            Push(_out, merged);
        }

        /// <summary>
        /// Pulls <paramref name="partition"/> unless one element per partition is ready (then it is deferred, so a
        /// partition whose elements wait cannot run ahead of those whose elements are ready) or its share of
        /// <see cref="CausalMergeSettings.MaxBuffered"/> waits.
        /// </summary>
        private void MaybePull(int partition)
        {
            var inlet = _inlets[partition];
            if (IsClosed(inlet) || HasBeenPulled(inlet) || _isDeferred[partition]) return;
            if (_buffer.WaitingIn(partition) >= _share)
            {
                if (!_full[partition]) _fullCount++;
                _full[partition] = true;
                return;
            }
            if (_buffer.Ready >= _inlets.Length)
            {
                _isDeferred[partition] = true;
                _deferred.Enqueue(partition);
                return;
            }
            DoPull(partition);
        }

        private void DoPull(int partition)
        {
            _pulled[partition] = true;
            _outstanding++;
            Pull(_inlets[partition]);
        }

        private void AfterEvent()
        {
            if (_fullCount > 0)
                for (var i = 0; i < _full.Length; i++)
                    if (_full[i] && _buffer.WaitingIn(i) < _share)
                    {
                        _full[i] = false;
                        _fullCount--;
                        MaybePull(i);
                    }
            while (_deferred.Count > 0 && _buffer.Ready < _inlets.Length)
            {
                var partition = _deferred.Dequeue();
                _isDeferred[partition] = false;
                MaybePull(partition);
            }
            CheckFinished();
        }

        private void CheckFinished()
        {
            if (_buffer.Ready > 0 || _arrived.Count > 0) return;
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
            // Nothing ready, no partition on its way: every open partition holds its share of waiting elements.
            if (_buffer.Waiting > 0 && _outstanding == 0)
                Fail(new MissingDependenciesException(_buffer.Missing(),
                    $"{_buffer.Waiting} elements wait and every open partition holds its share of max-buffered {_stage._settings.MaxBuffered} ({_buffer.Positions()})"));
        }

        protected override void OnTimer(object timerKey)
        {
            // Stalled: downstream waits for an element, elements wait for dependencies, and nothing was emitted since the
            // last tick (a slow downstream is not a stall).
            var stalled = _buffer.Waiting > 0 && _buffer.Ready == 0 && IsAvailable(_out) && _emitted == _emittedAtLastTick;
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
