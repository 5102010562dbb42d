using ActorCausal.Simulation;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Schedules that once broke the flush, kept as they were found (seed and options of the sim CLI).</summary>
public class RegressionSeedTests
{
    private static readonly SimulationOptions Faulty = new() { Members = 5, Messages = 200, Faults = FaultKinds.Classic };

    public static TheoryData<string, ulong, SimulationOptions> Schedules => new()
    {
        { "total order inside a commit followed each member's queue, not the decision", 6, Faulty },
        { "a commit's total order ignored FIFO behind a queued total message", 33, Faulty with { Faults = FaultKinds.Join } },
        { "lost commit then crashed coordinator left a survivor in the old view", 450, Faulty },
        { "lost commit then crashed coordinator, own later messages stuck", 1070, Faulty },
        { "an earlier undecided message got a higher priority than a later decided one", 5000, Faulty with { Members = 3, Faults = FaultKinds.Partition, Loss = 0.03, Duplication = 0.02 } },
        { "a survivor ignored a coordinator whose round was below its predecessor's", 556, Faulty with { Loss = 0.05, Duplication = 0.02 } },
        { "a leaver that missed the commit was two views behind", 2621, Faulty with { Members = 7, Loss = 0.05, Duplication = 0.02, Reorder = true } },
        { "a survivor that missed the commit never asked the new view", 128, Faulty with { Loss = 0.05, Duplication = 0.02 } },
        { "a leaver that missed the commit was not a member of the new view", 109, Faulty with { Loss = 0.05, Duplication = 0.02 } },
        { "a correct member's own causal message waited forever for a message lost with the other side", 2481, Faulty with { Loss = 0.1, Duplication = 0.05, Reorder = true } },
        { "the leaving coordinator stopped before its commit got through", 1617, Faulty with { Members = 3, Loss = 0.2, Duplication = 0.1, Reorder = true } },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Schedule_that_once_failed_now_keeps_every_invariant(string what, ulong seed, SimulationOptions options)
    {
        var result = SimulationRunner.Run(options, seed);
        Assert.True(!result.HasViolations && result.Quiescent, $"{what}: {Describe(result)}");
    }
}
