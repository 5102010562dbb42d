using ActorCausal.Streams.Tests.Support;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams.Tests.Merge;

/// <summary>What <see cref="CausalClock"/> and <see cref="CausalStamp"/> put on an element, and that the checker can fail.</summary>
public sealed class CausalClockTests(StreamsFixture fixture) : IClassFixture<StreamsFixture>
{
    [Fact]
    public async Task A_clock_stamp_names_only_what_grew_since_the_producers_previous_element()
    {
        var clock = new CausalClock("p");
        clock.Observe(new CausalId("q", 3));
        clock.Observe(new CausalId("q", 2));
        clock.Observe(new CausalId("p", 9));
        var stamped = await Source.From(new[] { "x", "y" }).Via(CausalStamp.Create<string>(clock))
            .RunWith(Sink.Seq<Stamped<string>>(), fixture.Materializer);

        Assert.Equal(new CausalId("p", 1), stamped[0].Id);
        Assert.Equal(new[] { new CausalId("q", 3) }, stamped[0].DependsOn);
        Assert.Equal(new CausalId("p", 2), stamped[1].Id);
        Assert.Empty(stamped[1].DependsOn);
        Assert.Equal(3, clock.Clock["q"]);
        Assert.Equal(2, clock.Clock["p"]);
    }

    [Fact]
    public async Task An_explicit_stamp_names_only_the_given_dependencies_and_a_restarted_producer_continues_its_sequence()
    {
        var clock = new CausalClock("p", sequence: 4);
        clock.Observe(new CausalId("q", 3));
        var stamped = await Source.Single("reply").Via(CausalStamp.Explicit<string>(clock, _ => [new CausalId("r", 1)]))
            .RunWith(Sink.First<Stamped<string>>(), fixture.Materializer);

        Assert.Equal(new CausalId("p", 5), stamped.Id);
        Assert.Equal(new[] { new CausalId("r", 1) }, stamped.DependsOn);
    }

    [Fact]
    public void The_checker_reports_an_element_before_what_it_must_follow_a_duplicate_and_a_missing_one()
    {
        var workload = CausalWorkload.Generate(seed: 7, producers: 1, partitions: 1, steps: 3, explicitShare: 0);
        var records = workload.Records[0];
        Assert.Equal(3, records.Length);
        CausalMerged<int> Out(int i) => new(0, records[i].Offset, records[i].Element!, records[i].Offset + 1);

        var violations = CausalOrderChecker.Violations(workload, [Out(1), Out(1)], complete: true);

        Assert.Contains(violations, v => v.Contains("emitted before", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("emitted twice", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("never emitted", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("commit point", StringComparison.Ordinal));
    }
}
