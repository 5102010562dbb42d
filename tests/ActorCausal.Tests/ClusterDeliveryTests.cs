using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// A three-system cluster on loopback: every member broadcasts concurrently, and the real delivery logs, fed to the
/// simulator's invariant checker, show no violation (no creation or duplication, FIFO, causal, explicit, total order,
/// validity, views, snapshots).
/// </summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class ClusterDeliveryTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("fifo", DeliveryOrder.Fifo, TotalOrderMode.ThreeStep)]
    [InlineData("causal", DeliveryOrder.Causal, TotalOrderMode.ThreeStep)]
    [InlineData("explicit", DeliveryOrder.Explicit, TotalOrderMode.ThreeStep)]
    [InlineData("total3", DeliveryOrder.Total, TotalOrderMode.ThreeStep)]
    [InlineData("total2", DeliveryOrder.Total, TotalOrderMode.TwoStep)]
    [InlineData("safe-causal", DeliveryOrder.SafeCausal, TotalOrderMode.ThreeStep)]
    [InlineData("safe-total2", DeliveryOrder.SafeTotal, TotalOrderMode.TwoStep)]
    [InlineData("safe-causal-majority", DeliveryOrder.SafeCausal, TotalOrderMode.ThreeStep, SafeQuorum.Majority)]
    [InlineData("safe-total3-majority", DeliveryOrder.SafeTotal, TotalOrderMode.ThreeStep, SafeQuorum.Majority)]
    [InlineData("mixed3", null, TotalOrderMode.ThreeStep)]
    [InlineData("mixed2", null, TotalOrderMode.TwoStep)]
    [InlineData("total-sym", DeliveryOrder.Total, TotalOrderMode.Symmetric)]
    [InlineData("safe-total-sym", DeliveryOrder.SafeTotal, TotalOrderMode.Symmetric)]
    [InlineData("mixed-sym", null, TotalOrderMode.Symmetric)]
    public async Task Concurrent_broadcasts_from_every_member_satisfy_the_invariants(string name, DeliveryOrder? order, TotalOrderMode mode, SafeQuorum quorum = SafeQuorum.All)
    {
        const int perMember = 150;
        var group = await RecordedGroup.JoinAsync($"delivery-{name}", fixture.Nodes.Systems, new GroupMemberSettings { TotalOrder = mode, SafeQuorum = quorum });
        await group.WaitForFullViewAsync(Generous);

        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(perMember, order ?? DeliveryOrder.Fifo, Mixed: order is null));
        await group.WaitForDeliveriesAsync(perMember * group.Systems.Count, Generous);

        var histories = await group.HistoriesAsync();
        var violations = InvariantChecker.Check(histories); // UniformAgreementCheck included
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);

        var progress = await group.ProgressAsync();
        Assert.All(progress, p => Assert.Equal(perMember * group.Systems.Count, p.Delivered));
        Assert.All(progress, p => Assert.Equal(0, p.Refused));
        if (order?.IsSafe() == true) Assert.All(progress, p => Assert.All(p.Deliveries, d => Assert.Equal(order, d.Order)));
        if (order is DeliveryOrder.Total or DeliveryOrder.SafeTotal)
        {
            var first = progress[0].Deliveries.Select(d => d.MessageId).ToList();
            Assert.All(progress, p => Assert.Equal(first, p.Deliveries.Select(d => d.MessageId).ToList()));
        }
        var statuses = await group.StatusesAsync();
        foreach (var s in statuses)
            output.WriteLine($"{s.Self}: view {s.View.Id} delivered {s.Protocol.Delivered} delayed {s.Protocol.Delayed} envelopes {s.EnvelopesSent} messages {s.ProtocolMessagesSent} rejected {s.InputsRejected}");
    }
}
