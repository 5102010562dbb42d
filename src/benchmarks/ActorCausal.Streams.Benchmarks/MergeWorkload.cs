using ActorCausal.Streams;

namespace ActorCausal.Streams.Benchmarks;

/// <summary>
/// Pre-generated partitions: <c>producers</c> producers take turns writing; before each write a producer observes, with
/// probability 0.25, the latest element of another producer (so about a quarter of the elements carry a cross-producer
/// dependency). Keyed: producer p writes to partition p mod N (Kafka with the producer or entity as key: one producer's
/// elements stay in order within a partition). Scattered: each element goes to a random partition (a producer's own
/// elements arrive out of order across partitions: the adversarial case). The same records feed both merges.
/// </summary>
internal static class MergeWorkload
{
    public static PartitionRecord<int>[][] Generate(int partitions, int producers, int elements, int seed, bool scattered)
    {
        var random = new Random(seed);
        var clocks = Enumerable.Range(0, producers).Select(p => new CausalClock("p" + p)).ToArray();
        var latest = new CausalId?[producers];
        var lists = Enumerable.Range(0, partitions).Select(_ => new List<PartitionRecord<int>>(elements / partitions + 16)).ToArray();
        for (var i = 0; i < elements; i++)
        {
            var p = i % producers;
            if (random.NextDouble() < 0.25 && latest[random.Next(producers)] is { } seen) clocks[p].Observe(seen);
            var stamped = clocks[p].Stamp(i);
            latest[p] = stamped.Id;
            var partition = scattered ? random.Next(partitions) : p % partitions;
            lists[partition].Add(new PartitionRecord<int>(lists[partition].Count, stamped));
        }
        return lists.Select(l => l.ToArray()).ToArray();
    }
}
