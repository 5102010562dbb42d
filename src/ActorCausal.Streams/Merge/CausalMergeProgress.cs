using System.Collections.Immutable;

namespace ActorCausal.Streams;

/// <summary>
/// The materialized value of <see cref="CausalMerge"/>: what the stage has emitted so far, including commit points that
/// heartbeats of idle partitions advanced. It runs ahead of a consumer that has not processed what was emitted; to
/// commit what was processed, fold <see cref="CausalCheckpoint.Advance{T}"/> over the processed elements instead.
/// Thread-safe.
/// </summary>
/// <remarks>
/// The stage writes without a lock (a producer's count before its element's commit point) and a reader takes the
/// commit points before the counts, so a checkpoint read while the stage runs may count elements emitted after its
/// commit points were taken, never the other way round: resuming from it skips them, as they were emitted.
/// </remarks>
public sealed class CausalMergeProgress
{
    private readonly object _lock = new();
    private readonly long[] _safeOffsets;
    private long[] _delivered = new long[8];
    private string[] _producers = new string[8];
    private int _producerCount;
    private readonly ImmutableDictionary<string, long> _resumed;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CausalMergeProgress(int partitions, CausalCheckpoint? resumeFrom)
    {
        _safeOffsets = resumeFrom?.SafeOffsets.ToArray() ?? new long[partitions];
        _resumed = resumeFrom?.Delivered ?? ImmutableDictionary<string, long>.Empty;
    }

    /// <summary>What the stage emitted up to now, as a checkpoint to resume from.</summary>
    public CausalCheckpoint Checkpoint
    {
        get
        {
            lock (_lock)
            {
                var offsets = ImmutableArray.CreateBuilder<long>(_safeOffsets.Length);
                for (var i = 0; i < _safeOffsets.Length; i++) offsets.Add(Volatile.Read(ref _safeOffsets[i]));
                var delivered = _resumed.ToBuilder();
                for (var i = 0; i < _producerCount; i++)
                {
                    var count = Volatile.Read(ref _delivered[i]);
                    if (count > 0) delivered[_producers[i]] = count;
                }
                return new CausalCheckpoint(offsets.MoveToImmutable(), delivered.ToImmutable());
            }
        }
    }

    /// <summary>Completes when the stage completes; faults with its failure (for example <see cref="MissingDependenciesException"/>).</summary>
    public Task Completion => _completion.Task;

    /// <summary>On the stage: producer number <paramref name="producer"/> emitted <paramref name="id"/>, and its partition's commit point moved.</summary>
    internal void Record(int partition, long safeOffset, int producer, CausalId id)
    {
        if (producer >= _producers.Length || _producers[producer] is null) Register(producer, id.Producer);
        Volatile.Write(ref _delivered[producer], id.Sequence);
        Volatile.Write(ref _safeOffsets[partition], safeOffset);
    }

    /// <summary>On the stage: a heartbeat moved <paramref name="partition"/>'s commit point.</summary>
    internal void Advance(int partition, long safeOffset)
    {
        if (safeOffset > _safeOffsets[partition]) Volatile.Write(ref _safeOffsets[partition], safeOffset);
    }

    internal void Complete() => _completion.TrySetResult();

    internal void Fail(Exception cause) => _completion.TrySetException(cause);

    /// <summary>Producer numbers are the stage's, given on first sight (a producer seen only as a dependency leaves a gap until it emits).</summary>
    private void Register(int producer, string name)
    {
        lock (_lock)
        {
            if (producer >= _delivered.Length)
            {
                var size = Math.Max(producer + 1, _delivered.Length * 2);
                Array.Resize(ref _delivered, size);
                Array.Resize(ref _producers, size);
            }
            _producers[producer] = name;
            _producerCount = Math.Max(_producerCount, producer + 1);
        }
    }
}
