using ActorCausal.Protocol;

namespace ActorCausal.Simulation;

/// <summary>
/// One broadcast of a workload: at <see cref="TimeMs"/> member <see cref="Member"/> (rank) broadcasts with <see cref="Order"/>.
/// For <see cref="DeliveryOrder.Explicit"/>, <see cref="Dependencies"/> ids are picked when it fires among what the member has delivered.
/// </summary>
public readonly record struct PlannedBroadcast(long TimeMs, int Member, DeliveryOrder Order, int Dependencies = 0);

/// <summary>Generates the random workload of a schedule.</summary>
public static class WorkloadGenerator
{
    private static readonly DeliveryOrder[] AllOrders = [DeliveryOrder.Fifo, DeliveryOrder.Causal, DeliveryOrder.Explicit, DeliveryOrder.Total];

    /// <summary>
    /// <see cref="SimulationOptions.Messages"/> broadcasts from random members at random times in the workload period,
    /// some in bursts from one member at one instant, sorted by time (bursts stay contiguous).
    /// </summary>
    public static IReadOnlyList<PlannedBroadcast> Generate(SimulationOptions options, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        var period = Math.Max(1, (long)Math.Ceiling(options.Messages * options.MeanBroadcastGapMs));
        var plan = new List<PlannedBroadcast>(options.Messages);
        var remaining = options.Messages;
        while (remaining > 0)
        {
            var time = (long)(random.NextDouble() * period);
            var member = random.NextInt(options.Members);
            var count = random.Chance(options.BurstProbability) ? Math.Min(remaining, random.NextInt(options.BurstMin, options.BurstMax)) : 1;
            for (var k = 0; k < count; k++)
            {
                var order = options.Order switch
                {
                    OrderMix.Fifo => DeliveryOrder.Fifo,
                    OrderMix.Causal => DeliveryOrder.Causal,
                    OrderMix.Explicit => DeliveryOrder.Explicit,
                    OrderMix.Total => DeliveryOrder.Total,
                    _ => AllOrders[random.NextInt(AllOrders.Length)],
                };
                if (options.SafeFraction > 0 && order is DeliveryOrder.Causal or DeliveryOrder.Total && random.Chance(options.SafeFraction))
                    order = order.WithSafe(true);
                var deps = order == DeliveryOrder.Explicit ? random.NextInt(3) : 0;
                plan.Add(new PlannedBroadcast(time, member, order, deps));
            }
            remaining -= count;
        }
        // Stable sort by time: List.Sort is not stable, so sort by (time, generation index).
        return plan.Select((b, i) => (b, i)).OrderBy(x => x.b.TimeMs).ThenBy(x => x.i).Select(x => x.b).ToArray();
    }
}
