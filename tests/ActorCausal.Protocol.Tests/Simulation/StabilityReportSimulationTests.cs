using ActorCausal.Simulation;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>
/// A small unstable bound (8: a stability report every 2 messages of a sender) under bursts, so members are
/// back-pressured and the receiver-driven reports go out all the time, with every kind of fault and with lossy,
/// duplicating links (founding and merges included): the reports change nothing the checker judges.
/// </summary>
public class StabilityReportSimulationTests
{
    private static readonly SimulationOptions SmallBound = new()
    {
        Members = 5,
        Messages = 200,
        BurstProbability = 0.3,
        UniformTotalOrder = false,
        QuiescenceTimeoutMs = 20_000,
        ProtocolSettings = new GroupMemberSettings { MaxUnstable = 8 },
    };

    private static void AssertAllClean(IReadOnlyList<ScheduleResult> results)
    {
        var failing = results.Where(r => r.HasViolations || !r.Quiescent).ToList();
        Assert.True(failing.Count == 0,
            $"{failing.Count} of {results.Count} schedules failed; seeds {string.Join(",", failing.Take(20).Select(r => r.Seed))}\n{Describe(failing.FirstOrDefault() ?? results[0])}");
        Assert.Contains(results, r => r.BackPressureRefusals > 0); // the bound was reached, so reports decided room
    }

    [Fact]
    public void Faults_on_lossy_links_with_a_small_unstable_bound_keep_every_invariant()
    {
        // A schedule that starts by founding may start broadcasting 5 s late; at this bound and loss a burst of 170 from
        // one member takes about 20 s (seeds 20000, 20114), so the default quiescence budget.
        var options = SmallBound with { Loss = 0.05, Duplication = 0.02, Faults = FaultKinds.All, QuiescenceTimeoutMs = new SimulationOptions().QuiescenceTimeoutMs };
        AssertAllClean(SimulationRunner.RunMany(options, 20_000, 200).ToList());
    }

    [Fact]
    public void A_member_admitted_after_a_leave_and_rejoin_does_not_admit_the_stopped_incarnation_again()
    {
        // Found at max-unstable 64 (m3#1 heard m0#2 ask while joining itself, never saw the view that left m0#2 out, and
        // as coordinator put m0#2 back beside m0#4: a View and a Quiescence violation).
        var r = SimulationRunner.Run(new SimulationOptions
        {
            Members = 5, Messages = 200, Faults = FaultKinds.All, SafeFraction = 0.5, Loss = 0.03, Duplication = 0.01,
            ProtocolSettings = new GroupMemberSettings { MaxUnstable = 64 },
        }, 100346);
        Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
    }

    [Fact]
    public void Safe_and_total_order_messages_with_a_small_unstable_bound_keep_every_invariant()
    {
        AssertAllClean(SimulationRunner.RunMany(SmallBound with { SafeFraction = 0.5, Loss = 0.03, Duplication = 0.01 }, 21_000, 100).ToList());
        AssertAllClean(SimulationRunner.RunMany(SmallBound with { Order = OrderMix.Total, Loss = 0.03 }, 22_000, 100).ToList());
    }
}
