using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>
/// The flush coordinator's total order over the undecided total-order messages of a closing view (FlushDecider.OrderTotals),
/// against the first O(n²) version kept in the tests (ReferenceTotalOrder). A view of three; ranks 0 and 1 each sent half
/// of <see cref="Messages"/>, interleaved, and nothing was decided (rank 2 was cut off, as in LargeViewChangeTests).
/// <c>Independent</c>: no sender had delivered anything of the other (LargeViewChangeTests' flush). <c>Causal</c>: each
/// message has seen the other sender's previous one, and one in ten has a known final priority.
/// One invocation per iteration (the large reference takes seconds), in process (no generated project to build, which
/// times out on a loaded machine): run it with <c>micro --filter '*FlushOrder*'</c>.
/// </summary>
[Config(typeof(MonitoringInProcess))]
[MinColumn, MaxColumn, MedianColumn]
[MemoryDiagnoser]
public class FlushOrderBenchmarks
{
    private const long ViewId = 7;
    private static readonly MemberId Self = new("bench", 1);

    [Params(1_000, 10_000, 20_000)]
    public int Messages { get; set; }

    [Params("Independent", "Causal")]
    public string Shape { get; set; } = "Independent";

    private List<DataMessage> _totals = null!;
    private Dictionary<MessageId, Priority> _finals = null!;

    [GlobalSetup]
    public void Setup()
    {
        _totals = new List<DataMessage>(Messages);
        _finals = new Dictionary<MessageId, Priority>();
        var causal = Shape == "Causal";
        for (var k = 1; k <= Messages / 2; k++)
        {
            for (var sender = 0; sender < 2; sender++)
            {
                var clock = new long[3];
                clock[sender] = k;
                if (causal) clock[1 - sender] = k - 1;
                var m = new DataMessage(ViewId, sender, k, DeliveryOrder.Total, VectorClock.Of(clock), VectorClock.Zero(3), default, [], k);
                _totals.Add(m);
                // Finals grow with k, so they agree with the causal order (a consistent flush input).
                if (causal && k % 10 == 0) _finals[m.Id] = new Priority(2 * k + sender, sender);
            }
        }
        if (Ordered().Length != ReferenceTotalOrder.OrderTotals(_totals, _finals, 0, ViewId, Self).Length)
            throw new InvalidOperationException("The two orderings disagree on this input.");
    }

    [Benchmark(Baseline = true)]
    public int Reference() => ReferenceTotalOrder.OrderTotals(_totals, _finals, 0, ViewId, Self).Length;

    [Benchmark]
    public int Sparse() => Ordered().Length;

    private sealed class MonitoringInProcess : ManualConfig
    {
        public MonitoringInProcess() =>
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(9)
                .WithToolchain(InProcessEmitToolchain.Instance));
    }

    private System.Collections.Immutable.ImmutableArray<KnownFinal> Ordered() => FlushDecider.OrderTotals(_totals, _finals, 0, ViewId, Self);
}
