using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

public sealed class BatchingTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("actorcausal.batching.enabled = off", false)]
    [InlineData("actorcausal.batching { max-messages = 4, linger = 2ms }", true)]
    public async Task Deliveries_are_correct_with_batching_off_and_with_small_lingering_batches(string hocon, bool batched)
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "batching", hocon);
        var group = await RecordedGroup.JoinAsync("batching", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(100, DeliveryOrder.Fifo, Mixed: true));
        await group.WaitForDeliveriesAsync(200, Generous);

        Assert.Empty(InvariantChecker.Check(await group.HistoriesAsync()));
        foreach (var status in await group.StatusesAsync())
        {
            Assert.True(status.EnvelopesSent > 0);
            if (batched)
            {
                Assert.True(status.ProtocolMessagesSent <= 4 * status.EnvelopesSent, "no envelope holds more than max-messages");
            }
            else
            {
                Assert.Equal(status.EnvelopesSent, status.ProtocolMessagesSent);
            }
        }
    }
}
