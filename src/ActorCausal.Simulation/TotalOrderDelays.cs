using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>Measures the latency of total-order delivery in message delays (unit-delay model).</summary>
public static class TotalOrderDelays
{
    /// <summary>
    /// Simulates <paramref name="members"/> members on links with a constant delay D = <paramref name="delayMs"/>
    /// (no loss, duplication or reordering, 1 ms ticks, retry timers far beyond the run) and one total-order broadcast
    /// from member 0 in isolation. Returns (time of the last delivery at any member − broadcast time) / D.
    /// </summary>
    public static double Measure(TotalOrderMode mode, int members, int delayMs = 10) => Measure(DeliveryOrder.Total, mode, members, delayMs);

    /// <summary>
    /// The same for one broadcast of <paramref name="order"/> (causal, total, or their safe variants; the total-order mode
    /// matters only for total ones): (time of the last delivery at any member − broadcast time) / D.
    /// </summary>
    public static double Measure(DeliveryOrder order, TotalOrderMode mode, int members, int delayMs = 10)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "At least one member.");
        if (delayMs <= 0) throw new ArgumentOutOfRangeException(nameof(delayMs), delayMs, "Must be positive.");
        var quiet = 1_000L * delayMs; // no retry fires during the measurement
        var options = new SimulationOptions
        {
            Members = members,
            Messages = 1,
            ConstantDelayMs = delayMs,
            TickIntervalMs = 1,
            Order = OrderMix.Total,
            TotalMode = mode,
            QuiescenceTimeoutMs = 100_000L * delayMs,
            ProtocolSettings = new GroupMemberSettings
            {
                TotalOrder = mode,
                TotalRetryDelayMs = quiet,
                NakInitialDelayMs = quiet,
                NakMaxDelayMs = quiet,
                StabilityIntervalMs = quiet, // safe messages wait for acknowledgements, not for the gossip
                IdleGossipIntervalMs = quiet,
            },
        };
        const long broadcastAt = 10;
        var result = SimulationRunner.Run(options, seed: 1, workload: [new PlannedBroadcast(broadcastAt, 0, order)]);
        if (result.HasViolations || result.Broadcasts != 1)
            throw new InvalidOperationException($"The measurement run failed: {result.Broadcasts} broadcasts, violations: {string.Join("; ", result.Violations)}");

        var sent = result.History!.SelectMany(h => h.Events).OfType<SendEvent>().Single().TimeMs;
        var deliveries = result.History!.SelectMany(h => h.Events).OfType<DeliverEvent>().ToList();
        if (deliveries.Count != members) throw new InvalidOperationException($"Expected {members} deliveries, saw {deliveries.Count}.");
        return (deliveries.Max(d => d.TimeMs) - sent) / (double)delayMs;
    }
}
