using ActorCausal.Protocol.Clocks;
using BenchmarkDotNet.Attributes;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>Vector clock operations on 8 entries (the benchmark group's size).</summary>
[MemoryDiagnoser]
public class VectorClockBenchmarks
{
    private VectorClock _a = null!;
    private VectorClock _b = null!;
    private VectorClock _before = null!;
    private readonly long[] _target = new long[8];

    [GlobalSetup]
    public void Setup()
    {
        _a = VectorClock.Of(5, 3, 9, 0, 12, 7, 1, 4);
        _b = VectorClock.Of(4, 6, 9, 2, 11, 7, 3, 4);      // concurrent with _a
        _before = VectorClock.Of(5, 3, 8, 0, 12, 6, 1, 4); // happened-before _a
    }

    [Benchmark]
    public CausalRelation CompareConcurrent() => _a.Compare(_b);

    [Benchmark]
    public CausalRelation CompareBefore() => _before.Compare(_a);

    [Benchmark]
    public bool LessOrEqualSpans() => VectorClock.LessOrEqual(_before.AsSpan(), _a.AsSpan());

    /// <summary>Allocates the merged clock.</summary>
    [Benchmark]
    public VectorClock Merge() => _a.Merge(_b);

    /// <summary>In place on a member's own mutable vector: no allocation.</summary>
    [Benchmark]
    public long MergeInto()
    {
        _a.AsSpan().CopyTo(_target);
        VectorClock.MergeInto(_target, _b.AsSpan());
        return _target[0];
    }

    [Benchmark]
    public VectorClock Increment() => _a.Increment(3);
}
