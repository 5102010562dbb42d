using System.Diagnostics;
using ActorCausal.Streams;
using ActorCausal.Streams.Benchmarks;
using ActorCausal.Streams.Benchmarks.Group;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

// Usage: dotnet run -c Release --project src/benchmarks/ActorCausal.Streams.Benchmarks -- [elements] [runs]
//    or: ... -- group [--messages N] [--runs N] [--window N] [--only MODES] [--check] [--no-warmup] [--config HOCON] (see Group/GroupBench.cs)
// For 4, 16 and 64 partitions, keyed (one producer per partition) and scattered (8 producers, each element to a random
// partition): plain Merge and CausalMerge over the same pre-generated partitions, alternating, each run to the end into
// Sink.Aggregate (count); the median of the timed runs after one warm-up of each.
if (args.Length > 0 && args[0] == "group")
{
    GroupBenchOptions groupOptions;
    try
    {
        groupOptions = GroupBenchOptions.Parse(args[1..]);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    try
    {
        return await new GroupBench(groupOptions, Console.Out).RunAsync();
    }
    catch (Akka.Configuration.ConfigurationException e)
    {
        Console.Error.WriteLine($"The configuration (--config) was refused: {e.Message}");
        return 2;
    }
}

var elements = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
var materializer = system.Materializer();
Console.WriteLine($"{elements:N0} elements, median of {runs} runs (elements/s)");
Console.WriteLine("| workload | partitions | producers | Merge /s | CausalMerge /s | ratio | Merge /CPU-s | CausalMerge /CPU-s | CPU ratio |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (scattered, partitions) in new[] { (false, 4), (false, 16), (false, 64), (true, 4), (true, 16), (true, 64) })
{
    var producers = scattered ? 8 : partitions;
    var data = MergeWorkload.Generate(partitions, producers, elements, seed: partitions, scattered);
    var sources = data.Select(d => Source.From(d)).ToList();
    List<double> plain = [], causal = [], plainCpu = [], causalCpu = [];
    for (var run = -1; run < runs; run++)
    {
        var (p, pCpu) = Time(() => PlainMerge(sources).RunAggregate(0L, (n, _) => n + 1, materializer));
        var (c, cCpu) = Time(() => CausalMerge.FromPartitions(sources).RunAggregate(0L, (n, _) => n + 1, materializer));
        if (run < 0) continue;
        plain.Add(p);
        causal.Add(c);
        plainCpu.Add(pCpu);
        causalCpu.Add(cCpu);
    }
    var (mp, mc, mpCpu, mcCpu) = (Median(plain), Median(causal), Median(plainCpu), Median(causalCpu));
    Console.WriteLine($"| {(scattered ? "scattered" : "keyed")} | {partitions} | {producers} | {mp:N0} | {mc:N0} | {mc / mp:F2} | {mpCpu:N0} | {mcCpu:N0} | {mcCpu / mpCpu:F2} |");
}
await system.Terminate();
return 0;

// Elements per second of wall time, and per second of this process's CPU time (which the other processes on a shared
// machine do not inflate; the stream runs on the thread pool, so it is the stream's CPU plus an idle process's).
(double Wall, double Cpu) Time(Func<Task<long>> run)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    var count = run().GetAwaiter().GetResult();
    watch.Stop();
    process.Refresh();
    var cpuUsed = process.TotalProcessorTime - cpu;
    if (count != elements) throw new InvalidOperationException($"{count} elements came out of {elements}");
    return (elements / watch.Elapsed.TotalSeconds, elements / cpuUsed.TotalSeconds);
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

static Source<PartitionRecord<int>, NotUsed> PlainMerge(List<Source<PartitionRecord<int>, NotUsed>> sources) =>
    Source.FromGraph(GraphDsl.Create(builder =>
    {
        var merge = builder.Add(new Merge<PartitionRecord<int>>(sources.Count));
        for (var i = 0; i < sources.Count; i++) builder.From(sources[i]).To(merge.In(i));
        return new SourceShape<PartitionRecord<int>>(merge.Out);
    }));
