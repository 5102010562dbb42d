using System.Collections.Immutable;

namespace ActorCausal.Streams;

/// <summary>
/// The materialized value of <see cref="CausalMerge"/>: what the stage has emitted so far, including commit points that
/// heartbeats of idle partitions advanced. It runs ahead of a consumer that has not processed what was emitted; to
/// commit what was processed, fold <see cref="CausalCheckpoint.Advance{T}"/> over the processed elements instead.
/// Thread-safe.
/// </summary>
public sealed class CausalMergeProgress
{
    private readonly object _lock = new();
    private readonly long[] _safeOffsets;
    private readonly Dictionary<string, long> _delivered;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CausalMergeProgress(int partitions, CausalCheckpoint? resumeFrom)
    {
        _safeOffsets = resumeFrom?.SafeOffsets.ToArray() ?? new long[partitions];
        _delivered = resumeFrom is null ? new(StringComparer.Ordinal) : new(resumeFrom.Delivered, StringComparer.Ordinal);
    }

    /// <summary>What the stage emitted up to now, as a checkpoint to resume from.</summary>
    public CausalCheckpoint Checkpoint
    {
        get
        {
            lock (_lock) return new CausalCheckpoint(_safeOffsets.ToImmutableArray(), _delivered.ToImmutableDictionary(StringComparer.Ordinal));
        }
    }

    /// <summary>Completes when the stage completes; faults with its failure (for example <see cref="MissingDependenciesException"/>).</summary>
    public Task Completion => _completion.Task;

    internal void Record(int partition, long safeOffset, CausalId id)
    {
        lock (_lock)
        {
            _safeOffsets[partition] = safeOffset;
            _delivered[id.Producer] = id.Sequence;
        }
    }

    internal void Advance(int partition, long safeOffset)
    {
        lock (_lock) _safeOffsets[partition] = Math.Max(_safeOffsets[partition], safeOffset);
    }

    internal void Complete() => _completion.TrySetResult();

    internal void Fail(Exception cause) => _completion.TrySetException(cause);
}
