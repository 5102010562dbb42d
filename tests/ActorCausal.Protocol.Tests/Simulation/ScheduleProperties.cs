using ActorCausal.Simulation;
using ActorCausal.Protocol.Tests.Support;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>Properties over random configurations, not only random seeds: CsCheck shrinks a failure to a small one.</summary>
public class ScheduleProperties
{
    private static readonly Gen<SimulationOptions> Configurations =
        Gen.Select(Gen.Int[1, 7], Gen.Int[10, 120], Gen.Double[0, 0.2], Gen.Double[0, 0.1], Gen.Bool, Gen.Enum<OrderMix>(), Gen.Bool)
            .Select((members, messages, loss, dup, reorder, order, faults) => new SimulationOptions
            {
                Members = faults ? Math.Max(members, 3) : members,
                Messages = messages,
                Loss = loss,
                Duplication = dup,
                Reorder = reorder,
                Order = order,
                Faults = faults ? FaultKinds.All : FaultKinds.None,
            });

    [Fact]
    public void Any_configuration_and_seed_keeps_every_invariant_and_quiesces_with_empty_buffers()
    {
        SeededSample.Check(Gen.Select(Configurations, Gen.ULong), (options, seed) =>
        {
            var result = SimulationRunner.Run(options, seed, keepHistory: true);
            // Quiescent includes: every correct member in one view with empty buffers (crashed members keep theirs).
            Assert.True(!result.HasViolations && result.Quiescent,
                $"{options} seed {seed}: quiescent={result.Quiescent} buffered=[{string.Join(",", result.BufferedAtEnd)}] {string.Join("; ", result.Violations.Take(3))}");
        }, firstSeed: 1, iterations: 400);
    }
}
