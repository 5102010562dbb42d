using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Tests;

/// <summary>Every member of a group leaves: the closing flush decision (no new members) crosses the wire and each leave ends by a view, not a timeout.</summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class LeaveAllTests(ThreeNodeClusterFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task When_every_member_leaves_at_once_each_leave_completes_without_a_timeout_or_a_wire_error()
    {
        var nodes = fixture.Nodes;
        var logs = nodes.Systems.Select(Logs.Collect).ToList();
        var group = await RecordedGroup.JoinAsync("leave-all", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(50, Protocol.DeliveryOrder.Total));
        await group.WaitForDeliveriesAsync(150, Generous);

        var stopped = await Task.WhenAll(group.Handles.Select(h => h.Leave()));

        Assert.All(stopped, s =>
        {
            Assert.Equal(GroupStopReason.Left, s.Reason);
            Assert.DoesNotContain("timed out", s.Detail);
        });
        var wireErrors = logs.SelectMany(l => l).Where(e => e.LogLevel() == LogLevel.ErrorLevel
            && (e.Message?.ToString() ?? "").Contains(nameof(Serialization.CausalGroupsSerializer))).ToList();
        Assert.Empty(wireErrors);
    }
}
