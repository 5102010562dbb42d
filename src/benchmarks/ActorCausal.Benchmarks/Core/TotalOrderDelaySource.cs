using ActorCausal.Protocol;
using ActorCausal.Simulation;

namespace ActorCausal.Benchmarks.Core;

/// <summary>Message delays of total-order delivery, measured by the deterministic simulator.</summary>
public static class TotalOrderDelaySource
{
    /// <summary>
    /// Message delays from a broadcast to its last delivery on a unit-delay network of <paramref name="members"/> members,
    /// as measured by <c>ActorCausal.Simulation.TotalOrderDelays.Measure</c>.
    /// </summary>
    public static double Measure(TotalOrderMode mode, int members) =>
        // SIMULATION CALL SITE: the one place the benchmarks depend on ActorCausal.Simulation.
        TotalOrderDelays.Measure(mode, members);

    /// <summary>The same for one broadcast of <paramref name="order"/> (causal, safe causal, total, safe total).</summary>
    public static double Measure(DeliveryOrder order, TotalOrderMode mode, int members) =>
        TotalOrderDelays.Measure(order, mode, members);
}
