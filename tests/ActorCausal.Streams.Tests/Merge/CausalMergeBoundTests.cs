using ActorCausal.Streams.Tests.Support;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams.Tests.Merge;

/// <summary>A dependency that never arrives fails the stage with its id; waiting elements bound what a partition reads.</summary>
public sealed class CausalMergeBoundTests(StreamsFixture fixture) : IClassFixture<StreamsFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Elements of producer "b" that each depend on a#1, which no partition holds.</summary>
    private static IEnumerable<PartitionRecord<int>> DependentsOfMissing()
    {
        for (var i = 1; ; i++)
            yield return new PartitionRecord<int>(i - 1, new Stamped<int>(new CausalId("b", i), [new CausalId("a", 1)], i));
    }

    [Fact]
    public async Task Every_partition_completing_with_a_dependency_missing_fails_with_its_id()
    {
        var partitions = new[]
        {
            Source.From(DependentsOfMissing().Take(3)),
            Source.From(new[] { new PartitionRecord<int>(0, new Stamped<int>(new CausalId("a", 2), [], 0)) }),
        };
        var (progress, done) = CausalMerge.FromPartitions(partitions).ToMaterialized(Sink.Seq<CausalMerged<int>>(), Keep.Both).Run(fixture.Materializer);

        var failure = await Assert.ThrowsAsync<MissingDependenciesException>(() => done.WaitAsync(Generous));
        Assert.Equal(new[] { new CausalId("a", 1) }, failure.Missing);
        await Assert.ThrowsAsync<MissingDependenciesException>(() => progress.Completion.WaitAsync(Generous));
    }

    [Fact]
    public async Task The_waiting_bound_back_pressures_each_partition_and_fails_the_stage_when_every_partition_is_full()
    {
        var pulled = new int[2];
        var partitions = Enumerable.Range(0, 2).Select(p =>
            Source.From(DependentsOfMissing()).Select(r => { Interlocked.Increment(ref pulled[p]); return r with { Element = r.Element! with { Id = r.Element.Id with { Producer = "b" + p } } }; })).ToList();
        // Two partitions: each may hold 5 waiting elements.
        var settings = new CausalMergeSettings { MaxBuffered = 10, StallTimeout = null };
        var done = CausalMerge.FromPartitions(partitions, settings).RunWith(Sink.Ignore<CausalMerged<int>>(), fixture.Materializer);

        var failure = await Assert.ThrowsAsync<MissingDependenciesException>(() => done.WaitAsync(Generous));
        Assert.Equal(new[] { new CausalId("a", 1) }, failure.Missing);
        // Each partition was read no further than its share of the bound.
        Assert.Equal(new[] { 5, 5 }, pulled);
    }

    [Fact]
    public async Task A_partition_that_only_sends_heartbeats_does_not_hang_the_stage_the_stall_timeout_ends_it()
    {
        var pulled = 0;
        var partitions = new[]
        {
            Source.From(DependentsOfMissing()).Select(r => { Interlocked.Increment(ref pulled); return r; }),
            Source.Repeat(PartitionRecord<int>.Heartbeat(0)).Throttle(10, TimeSpan.FromMilliseconds(10), 10, ThrottleMode.Shaping),
        };
        var settings = new CausalMergeSettings { MaxBuffered = 10, StallTimeout = TimeSpan.FromMilliseconds(300) };
        var done = CausalMerge.FromPartitions(partitions, settings).RunWith(Sink.Ignore<CausalMerged<int>>(), fixture.Materializer);

        var failure = await Assert.ThrowsAsync<MissingDependenciesException>(() => done.WaitAsync(Generous));
        Assert.Equal(new[] { new CausalId("a", 1) }, failure.Missing);
        Assert.Equal(5, Volatile.Read(ref pulled));
    }

    [Fact]
    public async Task The_stall_timeout_fails_the_stage_when_a_dependency_lives_on_a_silent_partition()
    {
        var partitions = new[] { Source.From(DependentsOfMissing().Take(2)), Source.Never<PartitionRecord<int>>() };
        var settings = new CausalMergeSettings { StallTimeout = TimeSpan.FromMilliseconds(200) };
        var done = CausalMerge.FromPartitions(partitions, settings).RunWith(Sink.Ignore<CausalMerged<int>>(), fixture.Materializer);

        var failure = await Assert.ThrowsAsync<MissingDependenciesException>(() => done.WaitAsync(Generous));
        Assert.Equal(new[] { new CausalId("a", 1) }, failure.Missing);
    }

    [Fact]
    public async Task A_slow_downstream_while_an_element_waits_is_not_a_stall()
    {
        var b1 = new Stamped<int>(new CausalId("b", 1), [new CausalId("a", 1)], 0);
        var partitions = new[]
        {
            Source.From(new[] { new PartitionRecord<int>(0, b1) }),
            Source.From(new[] { new PartitionRecord<int>(0, new Stamped<int>(new CausalId("x", 1), [], 0)), new PartitionRecord<int>(1, new Stamped<int>(new CausalId("a", 1), [], 0)) }),
        };
        // One second, not less: a shorter stall timeout could expire on a starved machine between the stage's pull and a#1's
        // arrival, which is not what this test is about.
        var settings = new CausalMergeSettings { StallTimeout = TimeSpan.FromSeconds(1) };
        // The consumer holds its first element for four stall timeouts: b#1 waits all that time, with a#1 in its inlet.
        var first = true;
        var output = await CausalMerge.FromPartitions(partitions, settings)
            .SelectAsync(1, async m =>
            {
                if (first) await Task.Delay(TimeSpan.FromSeconds(4));
                first = false;
                return m;
            })
            .RunWith(Sink.Seq<CausalMerged<int>>(), fixture.Materializer).WaitAsync(Generous);

        Assert.Equal(3, output.Count);
        Assert.True(output.ToList().FindIndex(m => m.Element.Id.Producer == "a") < output.ToList().FindIndex(m => m.Element.Id.Producer == "b"));
    }

    [Fact]
    public async Task A_heartbeat_advances_an_idle_partitions_commit_point()
    {
        var a1 = new Stamped<int>(new CausalId("a", 1), [], 1);
        var partitions = new[]
        {
            Source.From(new[] { new PartitionRecord<int>(7, a1) }),
            Source.From(new[] { PartitionRecord<int>.Heartbeat(42) }),
        };
        var (progress, done) = CausalMerge.FromPartitions(partitions).ToMaterialized(Sink.Seq<CausalMerged<int>>(), Keep.Both).Run(fixture.Materializer);

        var output = await done.WaitAsync(Generous);
        await progress.Completion.WaitAsync(Generous);
        Assert.Equal(8, Assert.Single(output).SafeOffset);
        Assert.Equal(new[] { 8L, 42L }, progress.Checkpoint.SafeOffsets.ToArray());
        Assert.Equal(1, progress.Checkpoint.Delivered["a"]);
    }

    [Fact]
    public async Task An_element_held_for_a_dependency_holds_its_partitions_commit_point_back()
    {
        // Partition 0: b#1 (waits for a#1) at offset 0, then c#1 (free) at offset 1; partition 1: a#1.
        var b1 = new Stamped<int>(new CausalId("b", 1), [new CausalId("a", 1)], 0);
        var c1 = new Stamped<int>(new CausalId("c", 1), [], 0);
        var a1 = new Stamped<int>(new CausalId("a", 1), [], 0);
        var partitions = new[]
        {
            Source.From(new[] { new PartitionRecord<int>(0, b1), new PartitionRecord<int>(1, c1) }),
            Source.From(new[] { new PartitionRecord<int>(0, a1) }).InitialDelay(TimeSpan.FromMilliseconds(100)),
        };
        var output = await CausalMerge.FromPartitions(partitions).RunWith(Sink.Seq<CausalMerged<int>>(), fixture.Materializer).WaitAsync(Generous);

        var c = output.Single(m => m.Element.Id.Producer == "c");
        var b = output.Single(m => m.Element.Id.Producer == "b");
        Assert.True(output.ToList().IndexOf(b) > output.ToList().FindIndex(m => m.Element.Id.Producer == "a"));
        // Whenever c#1 came out, partition 0's commit point says offset 0 (b#1) is not yet safe unless b#1 came out first.
        Assert.Equal(output.ToList().IndexOf(c) > output.ToList().IndexOf(b) ? 2 : 0, c.SafeOffset);
        Assert.Equal(2, output.Where(m => m.Partition == 0).Max(m => m.SafeOffset));
    }
}
