using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using Xunit.Abstractions;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>
/// That the uniform-agreement check can fail: on each seed the deliberately broken protocol shows a violation of
/// <paramref name="kind"/>, and the same schedule with the correct settings shows none.
/// </summary>
internal static class BrokenVariantSeeds
{
    public static void AssertCaught(SimulationOptions broken, GroupMemberSettings correct, ViolationKind kind, ITestOutputHelper output, params ulong[] seeds)
    {
        foreach (var seed in seeds)
        {
            var r = SimulationRunner.Run(broken, seed);
            output.WriteLine($"seed {seed}: {r.Violations.FirstOrDefault(v => v.Kind == kind)}");
            Assert.Contains(r.Violations, v => v.Kind == kind);
            Assert.Empty(SimulationRunner.Run(broken with { ProtocolSettings = correct }, seed).Violations);
        }
    }
}
