using System.Diagnostics;
using ActorCausal.Streams;
using ActorCausal.Streams.Benchmarks;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

// Usage: dotnet run -c Release --project src/benchmarks/ActorCausal.Streams.Benchmarks -- [elements] [runs]
// For 4, 16 and 64 partitions (8 producers): plain Merge and CausalMerge over the same pre-generated partitions,
// alternating, each run to the end into Sink.Aggregate (count); the median of the timed runs after one warm-up of each.
var elements = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
var materializer = system.Materializer();
Console.WriteLine($"{elements:N0} elements, 8 producers, median of {runs} runs (elements/s)");
Console.WriteLine("| partitions | Merge | CausalMerge | ratio |");
Console.WriteLine("|---:|---:|---:|---:|");
foreach (var partitions in new[] { 4, 16, 64 })
{
    var data = MergeWorkload.Generate(partitions, producers: 8, elements, seed: partitions);
    var sources = data.Select(d => Source.From(d)).ToList();
    var plain = new List<double>();
    var causal = new List<double>();
    for (var run = -1; run < runs; run++)
    {
        var p = Time(() => PlainMerge(sources).RunAggregate(0L, (n, _) => n + 1, materializer));
        var c = Time(() => CausalMerge.FromPartitions(sources).RunAggregate(0L, (n, _) => n + 1, materializer));
        if (run < 0) continue;
        plain.Add(p);
        causal.Add(c);
    }
    var (mp, mc) = (Median(plain), Median(causal));
    Console.WriteLine($"| {partitions} | {mp:N0} | {mc:N0} | {mc / mp:F2} |");
}
await system.Terminate();

double Time(Func<Task<long>> run)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var watch = Stopwatch.StartNew();
    var count = run().GetAwaiter().GetResult();
    watch.Stop();
    if (count != elements) throw new InvalidOperationException($"{count} elements came out of {elements}");
    return elements / watch.Elapsed.TotalSeconds;
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

static Source<PartitionRecord<int>, NotUsed> PlainMerge(List<Source<PartitionRecord<int>, NotUsed>> sources) =>
    Source.FromGraph(GraphDsl.Create(builder =>
    {
        var merge = builder.Add(new Merge<PartitionRecord<int>>(sources.Count));
        for (var i = 0; i < sources.Count; i++) builder.From(sources[i]).To(merge.In(i));
        return new SourceShape<PartitionRecord<int>>(merge.Out);
    }));
