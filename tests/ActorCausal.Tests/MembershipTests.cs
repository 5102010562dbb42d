using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>Group membership on a running cluster: a member joins mid-stream with a snapshot, another leaves.</summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class MembershipTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_member_joins_mid_stream_with_a_snapshot_and_another_leaves_and_the_logs_satisfy_virtual_synchrony()
    {
        var nodes = fixture.Nodes;
        var founders = await RecordedGroup.JoinAsync("membership", [nodes[0], nodes[1]]);
        await founders.WaitForFullViewAsync(Generous);

        // Both founders stream; the third node joins the group while they do.
        foreach (var s in founders.Subscribers) s.Tell(new RecordingSubscriber.Burst(300, DeliveryOrder.Causal));
        await RecordedGroup.EventuallyAsync(async () => (await founders.ProgressAsync()).All(p => p.Delivered >= 50), Generous, () => Task.FromResult("streaming"));
        var joiner = await RecordedGroup.JoinAsync("membership", [nodes[2]]);
        var all = new[] { founders.Subscribers[0], founders.Subscribers[1], joiner.Subscribers[0] };
        var handles = new[] { founders.Handles[0], founders.Handles[1], joiner.Handles[0] };

        await RecordedGroup.EventuallyAsync(async () => (await joiner.StatusesAsync())[0].State == GroupActorState.Member, Generous,
            async () => (await joiner.StatusesAsync())[0].State.ToString());
        joiner.Subscribers[0].Tell(new RecordingSubscriber.Burst(100, DeliveryOrder.Causal));

        // Every member's state ends up reflecting all 700 messages: the joiner through its snapshot plus its deliveries.
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var progress = await Task.WhenAll(all.Select(Progress));
            return progress.All(p => p.StateSize == 700);
        }, Generous, async () => string.Join("; ", (await Task.WhenAll(all.Select(Progress))).Select(p => $"state {p.StateSize} delivered {p.Delivered} view {p.ViewId}")));

        var joinerProgress = await Progress(joiner.Subscribers[0]);
        Assert.True(joinerProgress.StateSize > joinerProgress.Delivered, "the joiner's state starts from a snapshot");

        // The second founder leaves; the other two go on in a view without it.
        var stopped = await founders.Handles[1].Leave();
        Assert.Equal(GroupStopReason.Left, stopped.Reason);
        var remaining = new[] { all[0], all[2] };
        foreach (var s in remaining) s.Tell(new RecordingSubscriber.Burst(50, DeliveryOrder.Causal));
        await RecordedGroup.EventuallyAsync(async () => (await Task.WhenAll(remaining.Select(Progress))).All(p => p.StateSize == 800), Generous,
            async () => string.Join("; ", (await Task.WhenAll(remaining.Select(Progress))).Select(p => $"state {p.StateSize} view {p.ViewId}")));

        var statuses = await Task.WhenAll(handles[0].Status(), handles[2].Status());
        Assert.All(statuses, s => Assert.Equal(2, s.View.Size));
        Assert.Equal(statuses[0].View, statuses[1].View);

        var histories = await Task.WhenAll(all.Select(s => s.Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10))));
        var violations = InvariantChecker.Check(histories);
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
        Assert.Contains(histories[1].Events, e => e is StopEvent { Reason: StopReason.Left });
        Assert.Contains(histories[2].Events, e => e is SnapshotLoadEvent);
    }

    [Fact]
    public async Task Joining_the_same_group_twice_on_a_node_is_refused_until_it_is_left()
    {
        var system = fixture.Nodes[0];
        var subscriber = system.ActorOf(Props.Empty);
        var first = CausalGroups.Get(system).Join("twice", subscriber);
        await first.Ref;

        var second = CausalGroups.Get(system).Join("twice", subscriber);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.Ref);

        await first.Leave();
        var third = CausalGroups.Get(system).Join("twice", subscriber);
        await third.Ref;
        await third.Leave();
    }

    private static Task<RecordingSubscriber.Progress> Progress(IActorRef subscriber) =>
        subscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
}
