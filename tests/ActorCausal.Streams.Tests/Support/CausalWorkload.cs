using System.Collections.Immutable;
using ActorCausal.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>
/// A random run of producers writing to partitions: at each step a producer either observes an element another producer
/// wrote (as if it had consumed it) or writes one, stamped by its <see cref="CausalClock"/> (or, sometimes, with explicit
/// dependencies picked from what it observed), to a random partition at the next offset (with random gaps, as
/// compaction leaves). Alongside, it records for the checker what each element must follow, from its own record of the
/// run, not from the stamps.
/// </summary>
public sealed class CausalWorkload
{
    public required int Partitions { get; init; }
    /// <summary>Per partition, its records in offset order.</summary>
    public required ImmutableArray<ImmutableArray<PartitionRecord<int>>> Records { get; init; }
    /// <summary>Per element, the elements that must be emitted before it (its producer's previous one and what it depends on).</summary>
    public required ImmutableDictionary<CausalId, ImmutableArray<CausalId>> MustFollow { get; init; }

    public int Count => MustFollow.Count;

    public static CausalWorkload Generate(int seed, int producers, int partitions, int steps, double explicitShare = 0.2)
    {
        var random = new Random(seed);
        var clocks = Enumerable.Range(0, producers).Select(p => new CausalClock("p" + p)).ToArray();
        var observedSinceWrite = Enumerable.Range(0, producers).Select(_ => new List<CausalId>()).ToArray();
        var last = new CausalId?[producers];
        var written = new List<CausalId>();
        var mustFollow = ImmutableDictionary.CreateBuilder<CausalId, ImmutableArray<CausalId>>();
        var records = Enumerable.Range(0, partitions).Select(_ => new List<PartitionRecord<int>>()).ToArray();
        var nextOffset = new long[partitions];
        for (var step = 0; step < steps; step++)
        {
            var p = random.Next(producers);
            if (written.Count > 0 && random.NextDouble() < 0.4)
            {
                var seen = written[random.Next(written.Count)];
                if (seen.Producer == clocks[p].Producer) continue;
                clocks[p].Observe(seen);
                observedSinceWrite[p].Add(seen);
                continue;
            }
            Stamped<int> stamped;
            var follows = new List<CausalId>();
            if (last[p] is { } previous) follows.Add(previous);
            if (random.NextDouble() < explicitShare)
            {
                var pool = observedSinceWrite[p];
                var chosen = pool.Where(_ => random.NextDouble() < 0.5).ToList();
                stamped = clocks[p].Stamp(step, chosen);
                follows.AddRange(chosen);
                // What was observed but not named stays observed: the clock still counts it for the next clock stamp.
            }
            else
            {
                stamped = clocks[p].Stamp(step);
                follows.AddRange(observedSinceWrite[p]);
                observedSinceWrite[p].Clear();
            }
            last[p] = stamped.Id;
            written.Add(stamped.Id);
            mustFollow[stamped.Id] = follows.ToImmutableArray();
            var partition = random.Next(partitions);
            records[partition].Add(new PartitionRecord<int>(nextOffset[partition], stamped));
            nextOffset[partition] += random.NextDouble() < 0.1 ? 2 : 1;
        }
        return new CausalWorkload
        {
            Partitions = partitions,
            Records = records.Select(r => r.ToImmutableArray()).ToImmutableArray(),
            MustFollow = mustFollow.ToImmutable(),
        };
    }
}
