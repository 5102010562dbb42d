using ActorCausal.Simulation;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Schedules of 2,000 broadcasts (the sweeps in docs/protocol.md, "Schedules of 2,000 broadcasts") that found something.</summary>
public class LongScheduleTests
{
    /// <summary>
    /// `sim --schedules 1 --seed 701 --messages 2000 --faults all --safe-quorum majority --safe 0.5 --loss 0.03`: two joiners,
    /// 7 members, 3% loss. Every lost proposal or final stalls total order (and every stream behind a total-order message)
    /// until the first ask, about 1 s; the last joiner's backlog drains only 63 s after the last broadcast, so the default
    /// 60 s quiescence window reports it undelivered (Validity, UnstableBuffers). No message is stuck: with a longer window
    /// everything is delivered and every invariant holds.
    /// </summary>
    [Fact]
    public void Seed_701_of_the_2000_broadcast_majority_sweep_drains_every_message_given_time()
    {
        var options = new SimulationOptions
        {
            Members = 5, Messages = 2000, Faults = FaultKinds.All, SafeFraction = 0.5, Loss = 0.03,
            ProtocolSettings = new GroupMemberSettings { SafeQuorum = SafeQuorum.Majority },
            QuiescenceTimeoutMs = 300_000,
        };

        var result = SimulationRunner.Run(options, 701);

        Assert.True(!result.HasViolations && result.Quiescent, Describe(result));
    }
}
