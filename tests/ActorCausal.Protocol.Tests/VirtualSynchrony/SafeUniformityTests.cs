using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using Xunit.Abstractions;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>
/// Uniform agreement for safe messages under every fault the simulator injects: whoever delivered a safe message (even a
/// member that then crashed or was downed), every member that installs the next view delivers it, and safe total-order
/// messages have one order everywhere. The `sim --safe` runs of docs/protocol.md do the same at 10,000 schedules.
/// </summary>
public class SafeUniformityTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions Options = new() { Faults = FaultKinds.All, SafeFraction = 0.5, QuiescenceTimeoutMs = 20_000 };

    [Fact]
    public void Safe_messages_are_delivered_uniformly_under_every_fault_kind()
    {
        var results = SimulationRunner.RunMany(Options, 1, 120).ToList();
        var safe = results.Sum(r => r.SafeMessagesDelivered);
        output.WriteLine($"{results.Count} schedules, {safe} safe messages delivered");
        Assert.True(safe > 1_000, $"only {safe} safe messages were delivered");
        Assert.Empty(results.SelectMany(r => r.Violations.Select(v => $"seed {r.Seed}: {v}")));
    }

    [Fact]
    public void Safe_total_messages_are_ordered_alike_at_members_that_crashed_or_were_downed_where_plain_total_ones_are_not()
    {
        // The seeds of UniformityTests' measurement: plain total order shows uniform-total disagreements there.
        var options = new SimulationOptions { Faults = FaultKinds.Crash | FaultKinds.Partition, Order = OrderMix.Total, QuiescenceTimeoutMs = 20_000, UniformTotalOrder = true };
        var plain = SimulationRunner.RunMany(options, 1, 150).Count(r => r.Violations.Any(v => v.Kind == ViolationKind.UniformTotal));
        var safe = SimulationRunner.RunMany(options with { SafeFraction = 1 }, 1, 150).ToList();
        output.WriteLine($"plain total: {plain} of 150 schedules with uniform-total disagreements; all safe: {safe.Count(r => r.HasViolations)}");
        Assert.True(plain > 0, "the plain runs should show the non-uniformity that safe delivery removes");
        Assert.Empty(safe.SelectMany(r => r.Violations.Select(v => $"seed {r.Seed}: {v}")));
    }

    [Fact]
    public void The_checker_catches_safe_messages_delivered_without_waiting_for_every_member()
    {
        var broken = new SimulationOptions
        {
            Faults = FaultKinds.Crash | FaultKinds.Partition, Order = OrderMix.Total, SafeFraction = 1, QuiescenceTimeoutMs = 20_000,
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.SkipSafeWait, SafeAckDelayMs = 0 },
        };
        // Acknowledgements at the end of each input (safe-ack-delay 0, the default before 7 December 2026), as when the
        // seeds were found. Seeds 13, 75 and 98 are those of seeds 1..150 where the broken variant shows (found with this test's options;
        // 72 as well before total-order retries waited for evidence of a loss).
        BrokenVariantSeeds.AssertCaught(broken, new GroupMemberSettings { SafeAckDelayMs = 0 }, ViolationKind.UniformAgreement, output, 13, 75, 98);
    }
}
