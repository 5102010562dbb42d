using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using Xunit.Abstractions;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>
/// Uniform total order: do members that crash, are downed or leave order total-order messages as the survivors do?
/// The protocol does not claim it (docs/protocol.md, Limits); this measures it and shows how the checker reports it.
/// </summary>
public class UniformityTests(ITestOutputHelper output)
{
    [Fact]
    public void Disagreements_seen_only_through_members_that_did_not_stay_correct_are_reported_as_uniform_total_and_left_out_on_request()
    {
        var options = new SimulationOptions { Faults = FaultKinds.Crash | FaultKinds.Partition, Order = OrderMix.Total, QuiescenceTimeoutMs = 20_000 };
        var uniform = SimulationRunner.RunMany(options, 1, 150).ToList();
        var relaxed = SimulationRunner.RunMany(options with { UniformTotalOrder = false }, 1, 150).ToList();

        var uniformOnly = uniform.Where(r => r.Violations.Any(v => v.Kind == ViolationKind.UniformTotal)).ToList();
        output.WriteLine($"{uniformOnly.Count} of {uniform.Count} schedules show uniform-total-order violations; seeds {string.Join(",", uniformOnly.Take(20).Select(r => r.Seed))}");
        foreach (var r in uniformOnly.Take(5))
            output.WriteLine($"  seed {r.Seed} ({r.TotalOrderMode}): {r.Violations.First(v => v.Kind == ViolationKind.UniformTotal)}");

        // The relaxed check never reports UniformTotal, and otherwise reports the same.
        Assert.DoesNotContain(relaxed, r => r.Violations.Any(v => v.Kind == ViolationKind.UniformTotal));
        for (var k = 0; k < uniform.Count; k++)
        {
            Assert.Equal(uniform[k].TraceHash, relaxed[k].TraceHash);
            Assert.Equal(
                uniform[k].Violations.Where(v => v.Kind != ViolationKind.UniformTotal).Select(v => v.ToString()),
                relaxed[k].Violations.Select(v => v.ToString()));
        }
        // Every UniformTotal violation names a member that crashed, was downed or left.
        Assert.All(uniform.SelectMany(r => r.Violations).Where(v => v.Kind == ViolationKind.UniformTotal),
            v => Assert.Matches(@"\((\S+ (Crashed|Downed|Left|Excluded|Correct)), (\S+ (Crashed|Downed|Left|Excluded|Correct))\)$", v.Detail));
    }
}
