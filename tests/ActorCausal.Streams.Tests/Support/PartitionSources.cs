using Akka;
using Akka.Streams.Dsl;
using ActorCausal.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>
/// The workload's partitions as sources, each from a commit point, with heartbeats at random places and random
/// asynchronous delays (a yield, sometimes a millisecond), so partitions interleave differently from run to run.
/// </summary>
public static class PartitionSources
{
    public static List<Source<PartitionRecord<int>, NotUsed>> Of(CausalWorkload workload, int seed, CausalCheckpoint? from = null)
    {
        var sources = new List<Source<PartitionRecord<int>, NotUsed>>();
        for (var p = 0; p < workload.Partitions; p++)
        {
            var random = new Random(HashCode.Combine(seed, p));
            var start = from?.SafeOffsets[p] ?? 0;
            var records = new List<PartitionRecord<int>>();
            foreach (var record in workload.Records[p].Where(r => r.Offset >= start))
            {
                if (random.NextDouble() < 0.1) records.Add(PartitionRecord<int>.Heartbeat(record.Offset));
                records.Add(record);
            }
            var end = workload.Records[p].Length == 0 ? 0 : workload.Records[p][^1].Offset + 1;
            if (random.NextDouble() < 0.5) records.Add(PartitionRecord<int>.Heartbeat(Math.Max(end, start)));
            var delayShare = random.NextDouble() * 0.3;
            var delays = records.Select(_ => random.NextDouble() < delayShare ? (random.NextDouble() < 0.1 ? 2 : 1) : 0).ToArray();
            sources.Add(Source.From(records.Select((r, i) => (r, delays[i]))).SelectAsync(1, async x =>
            {
                if (x.Item2 == 2) await Task.Delay(1);
                else if (x.Item2 == 1) await Task.Yield();
                return x.r;
            }));
        }
        return sources;
    }
}
