using ActorCausal.Simulation.Founding;
using ActorCausal.Tests.Support;
using Xunit.Abstractions;

namespace ActorCausal.Tests.Wire;

/// <summary>Concurrent founders and their merges with every protocol message passed through the real protobuf mapping both ways.</summary>
public sealed class MergeWireTests(ITestOutputHelper output)
{
    [Fact]
    public void Founders_and_merges_over_the_real_wire_end_in_one_view_per_group_name()
    {
        var wire = new SimulatedWire();
        var results = Enumerable.Range(1, 300)
            .Select(s => FoundingSimulator.Run(FoundingOptions.ForSeed((ulong)s) with { Wire = wire.RoundTrip }, (ulong)s)).ToList();
        var failing = results.Where(r => r.HasViolations).ToList();
        output.WriteLine($"{results.Count} schedules, {results.Count(r => r.MergedMembers > 0)} with merges; crossed: {string.Join(", ", wire.Crossed.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(failing.Count == 0, string.Join("\n", failing.Take(3).Select(r => $"seed {r.Seed}: {string.Join(" | ", r.Violations.Take(3))}")));
        foreach (var kind in new[] { "MergeProbe", "MergeRequest", "MergeAccept", "MergeOffer", "WelcomeDeclined", "FlushCommit", "Welcome" })
            Assert.True(wire.Crossed.GetValueOrDefault(kind) > 0, $"no {kind} crossed the wire");
    }

    [Fact]
    public void The_wire_changes_nothing_a_founding_schedule_does()
    {
        var wire = new SimulatedWire();
        for (ulong seed = 1; seed <= 30; seed++)
        {
            var options = FoundingOptions.ForSeed(seed);
            var plain = FoundingSimulator.Run(options, seed);
            var wired = FoundingSimulator.Run(options with { Wire = wire.RoundTrip }, seed);
            Assert.Equal(plain.EndTimeMs, wired.EndTimeMs);
            Assert.Equal(plain.Deliveries, wired.Deliveries);
            Assert.Equal(plain.MergedMembers, wired.MergedMembers);
        }
    }
}
