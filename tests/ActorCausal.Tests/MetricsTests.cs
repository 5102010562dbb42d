using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

[Collection(ThreeNodeCollection.Name)]
public sealed class MetricsTests(ThreeNodeClusterFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_ActorCausal_meter_reports_deliveries_hold_back_view_changes_refusals_and_delays()
    {
        const string name = "metrics";
        var sums = new ConcurrentDictionary<string, double>();
        var counts = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CausalGroups.MeterName) l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "group", Value: name })
                {
                    sums.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
                    counts.AddOrUpdate(instrument.Name, 1, (_, c) => c + 1);
                }
            }
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var group = await RecordedGroup.JoinAsync(name, fixture.Nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(40, DeliveryOrder.Total));
        await group.WaitForDeliveriesAsync(120, Generous);
        var refused = await group.Handles[0].Broadcast("x", DeliveryOrder.Causal, [new MessageId(1, 0, 1)]);
        Assert.Equal(RefusalReason.InvalidRequest, refused.Reason);

        await RecordedGroup.EventuallyAsync(() =>
        {
            listener.RecordObservableInstruments();
            return Task.FromResult(
                sums.GetValueOrDefault("actorcausal.delivered") >= 360
                && sums.GetValueOrDefault("actorcausal.held_back") >= 1
                && sums.GetValueOrDefault("actorcausal.view_changes") >= 3
                && sums.GetValueOrDefault("actorcausal.refused") >= 1
                && counts.GetValueOrDefault("actorcausal.delivery.latency") >= 360
                && counts.GetValueOrDefault("actorcausal.holdback.depth") >= 1);
        }, Generous, () => Task.FromResult(string.Join(", ", sums.Select(kv => $"{kv.Key}={kv.Value} ({counts.GetValueOrDefault(kv.Key)})"))));
    }
}
