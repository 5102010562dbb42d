using System.Collections.Concurrent;
using ActorCausal.Streams.Tests.Support;
using Akka.Streams.Dsl;
using CsCheck;

namespace ActorCausal.Streams.Tests.Merge;

/// <summary>
/// Random workloads (producer and partition counts, interleavings of observing and writing, explicit and clock stamps,
/// offset gaps, heartbeats, delays) through <see cref="CausalMerge"/>, judged by <see cref="CausalOrderChecker"/>.
/// </summary>
public sealed class CausalMergePropertyTests(StreamsFixture fixture) : IClassFixture<StreamsFixture>
{
    private static readonly Gen<(int Seed, int Producers, int Partitions, int Steps)> Runs =
        Gen.Select(Gen.Int, Gen.Int[1, 6], Gen.Int[1, 8], Gen.Int[0, 150]);

    [Fact]
    public void A_thousand_random_runs_emit_every_element_once_and_in_causal_order()
    {
        var runs = 0;
        Runs.Sample(run =>
        {
            var workload = CausalWorkload.Generate(run.Seed, run.Producers, run.Partitions, run.Steps);
            var output = RunToEnd(workload, run.Seed, null, null);
            var violations = CausalOrderChecker.Violations(workload, output, complete: true);
            Interlocked.Increment(ref runs);
            return violations.Count == 0 ? true : throw new Xunit.Sdk.XunitException(string.Join("\n", violations.Take(20)));
        }, iter: 1000, threads: 1);
        Assert.Equal(1000, runs);
    }

    [Fact]
    public void A_consumer_that_fails_and_resumes_from_its_checkpoint_emits_nothing_twice_and_loses_nothing()
    {
        Gen.Select(Runs, Gen.Double[0, 1.2]).Sample(pair =>
        {
            var (run, failAt) = pair;
            var workload = CausalWorkload.Generate(run.Seed, run.Producers, run.Partitions, run.Steps);
            var failAfter = (int)(failAt * workload.Count);

            // The first consumer processes failAfter elements, folding its checkpoint, then fails.
            var checkpoint = CausalCheckpoint.Start(workload.Partitions);
            var first = new List<CausalMerged<int>>();
            var stream = CausalMerge.FromPartitions(PartitionSources.Of(workload, run.Seed))
                .Select(m =>
                {
                    if (first.Count == failAfter) throw new InvalidOperationException("consumer failed");
                    first.Add(m);
                    checkpoint = checkpoint.Advance(m);
                    return m;
                })
                .RunWith(Sink.Ignore<CausalMerged<int>>(), fixture.Materializer);
            var failed = Await(stream);
            Assert.Equal(failAfter < workload.Count, failed is InvalidOperationException);

            // The restarted consumer re-reads each partition from its commit point.
            var second = RunToEnd(workload, run.Seed + 1, checkpoint, null);
            var violations = CausalOrderChecker.Violations(workload, first, complete: false);
            violations.AddRange(CausalOrderChecker.Violations(workload, second, complete: true, first.Select(m => m.Element.Id).ToHashSet()));
            return violations.Count == 0 ? true : throw new Xunit.Sdk.XunitException($"failed after {failAfter}: " + string.Join("\n", violations.Take(20)));
        }, iter: 300, threads: 1);
    }

    private List<CausalMerged<int>> RunToEnd(CausalWorkload workload, int seed, CausalCheckpoint? from, CausalMergeSettings? settings)
    {
        var output = new ConcurrentQueue<CausalMerged<int>>();
        var done = CausalMerge.FromPartitions(PartitionSources.Of(workload, seed, from), settings, from)
            .RunForeach(output.Enqueue, fixture.Materializer);
        var failure = Await(done);
        if (failure is not null) throw new Xunit.Sdk.XunitException($"the merge failed: {failure}");
        return output.ToList();
    }

    private static Exception? Await(Task task)
    {
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(30))) throw new Xunit.Sdk.XunitException("the stream did not finish within 30 s");
            return null;
        }
        catch (AggregateException e)
        {
            return e.GetBaseException();
        }
    }
}
