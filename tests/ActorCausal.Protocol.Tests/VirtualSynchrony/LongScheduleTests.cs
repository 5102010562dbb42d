using ActorCausal.Simulation;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Schedules of 2,000 broadcasts (the sweeps in docs/protocol.md, "Schedules of 2,000 broadcasts") that found something.</summary>
public class LongScheduleTests
{
    /// <summary>
    /// `sim --schedules 1 --seed S --messages 2000 --faults all --safe-quorum majority --safe 0.5 --loss 0.03 [--max-unstable U]`:
    /// seed 701 (two joiners, 7 members), seeds 441 and 532 with an unstable bound of 64. Every lost proposal or final stalls
    /// total order (and every stream behind a total-order message) until the first ask, about 1 s; the backlog drains only
    /// after the default 60 s quiescence window, which reports it as Validity and UnstableBuffers violations (and, seed 532,
    /// as UniformAgreement: safe messages some member delivered and a correct one had not yet). No message is stuck: with
    /// a longer window everything is delivered and every invariant holds.
    /// </summary>
    [Theory]
    [InlineData(701UL, 1_000)]
    [InlineData(441UL, 64)]
    [InlineData(532UL, 64)]
    public void A_2000_broadcast_majority_schedule_that_outlasted_the_window_drains_every_message_given_time(ulong seed, int maxUnstable)
    {
        var options = new SimulationOptions
        {
            Members = 5, Messages = 2000, Faults = FaultKinds.All, SafeFraction = 0.5, Loss = 0.03,
            ProtocolSettings = new GroupMemberSettings { SafeQuorum = SafeQuorum.Majority, MaxUnstable = maxUnstable },
            QuiescenceTimeoutMs = 300_000,
        };

        var result = SimulationRunner.Run(options, seed);

        Assert.True(!result.HasViolations && result.Quiescent, Describe(result));
    }
}
