using ActorCausal.Benchmarks.Workloads;
using ActorCausal.Protocol;
using BenchmarkDotNet.Attributes;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>Per-message cost of causal delivery at one receiver (rank 0 of 8), including draining the Deliver effect.</summary>
[MemoryDiagnoser]
public class CausalDeliveryBenchmarks
{
    private const int Messages = 7_000;

    private CausalWorkload _workload = null!;
    private readonly List<Effect> _effects = new(64);

    [GlobalSetup]
    public void Setup() => _workload = CausalWorkload.Generate(Messages);

    /// <summary>Each message deliverable on arrival. The fresh member is amortised over <see cref="Messages"/> deliveries.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long InOrder() => CausalFeeder.Feed(CausalWorkload.NewReceiver(CausalWorkload.ReceiverSettings), _workload.InOrder, _effects);

    /// <summary>Every sender's messages last to first: all held back, then one cascade.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Reversed() => CausalFeeder.Feed(CausalWorkload.NewReceiver(CausalWorkload.ReceiverSettings), _workload.Reversed, _effects);
}
