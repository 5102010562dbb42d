using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ActorCausal.Metrics;

/// <summary>
/// The library's instruments, under the meter <see cref="CausalGroups.MeterName"/> ("ActorCausal"). Every measurement
/// carries the tag <c>group</c>. Listen with a MeterListener, dotnet-counters or OpenTelemetry.
/// </summary>
internal static class CausalMetrics
{
    private static readonly Meter Meter = new(CausalGroups.MeterName, typeof(CausalMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Messages handed to a subscriber.</summary>
    public static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "actorcausal.delivered", "{message}", "Messages delivered to the subscriber, in order.");

    /// <summary>Messages that could not be delivered on arrival and waited in the hold-back queue.</summary>
    public static readonly Counter<long> HeldBack = Meter.CreateCounter<long>(
        "actorcausal.held_back", "{message}", "Messages that waited in the hold-back queue before delivery.");

    public static readonly Counter<long> Retransmits = Meter.CreateCounter<long>(
        "actorcausal.retransmits", "{message}", "Messages retransmitted in answer to a NAK.");

    public static readonly Counter<long> ViewChanges = Meter.CreateCounter<long>(
        "actorcausal.view_changes", "{view}", "Views installed.");

    public static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "actorcausal.refused", "{broadcast}", "Broadcasts refused (back-pressure, not a member, stopped, not serializable, ...).");

    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>(
        "actorcausal.rejected", "{message}", "Received protocol messages refused as bad input (tag reason).");

    /// <summary>Broadcast-to-delivery time: local wall clock minus the sender's HLC wall time (relies on synchronized clocks across nodes).</summary>
    public static readonly Histogram<double> DeliveryLatency = Meter.CreateHistogram<double>(
        "actorcausal.delivery.latency", "ms", "Time from broadcast (sender's HLC) to delivery here.");

    private static readonly ConcurrentDictionary<object, (string Group, int Depth)> Depths = new();

    static CausalMetrics()
    {
        Meter.CreateObservableGauge("actorcausal.holdback.depth", ObserveDepths, "{message}", "Messages received and not yet delivered.");
    }

    public static KeyValuePair<string, object?> GroupTag(string group) => new("group", group);

    /// <summary>Publishes the current hold-back depth of one group actor (read by the observable gauge).</summary>
    public static void ReportDepth(object owner, string group, int depth) => Depths[owner] = (group, depth);

    public static void Forget(object owner) => Depths.TryRemove(owner, out _);

    private static IEnumerable<Measurement<int>> ObserveDepths()
    {
        foreach (var (_, value) in Depths) yield return new Measurement<int>(value.Depth, GroupTag(value.Group));
    }
}
