using System.Collections.Concurrent;
using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

/// <summary>
/// <see cref="JoinOptions.OnDemand"/>: deliveries reach the subscriber only against <see cref="RequestDeliveries"/>
/// credit, in order; only taken deliveries count for stability, so the member's own broadcasts are held to max-unstable
/// by its own reader; when the member stops, what waits is handed over before <see cref="GroupStopped"/>.
/// </summary>
public sealed class OnDemandSubscriberTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<IGroupEvent> events) => Receive<IGroupEvent>(events.Enqueue);
    }

    private static Task Eventually(Func<Task<bool>> condition, Func<string> describe) =>
        RecordedGroup.EventuallyAsync(condition, Generous, () => Task.FromResult(describe()));

    [Fact]
    public async Task Deliveries_wait_for_credit_count_only_once_taken_and_are_handed_over_when_the_member_stops()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "on-demand");
        var system = nodes[0];
        var events = new ConcurrentQueue<IGroupEvent>();
        var options = new JoinOptions { OnDemand = true, Stateless = true, Protocol = new GroupMemberSettings { MaxUnstable = 5 } };
        var group = CausalGroups.Get(system).Join("on-demand", system.ActorOf(Props.Create(() => new Collector(events))), options);
        await Eventually(async () => (await group.Status()).State == GroupActorState.Member, () => "not admitted");
        var actor = await group.Ref;
        int Taken() => events.OfType<Delivered>().Count();

        for (var i = 1; i <= 5; i++) Assert.Equal(BroadcastOutcome.Sent, (await group.Broadcast(i)).Outcome);
        Assert.Equal(RefusalReason.BackPressure, (await group.Broadcast(6)).Reason); // its own reader took none of them
        Assert.Contains(events, e => e is ViewChanged); // other events need no credit
        Assert.Equal(0, Taken());

        actor.Tell(new RequestDeliveries(2));
        await Eventually(() => Task.FromResult(Taken() >= 2), () => $"{Taken()} of 2 taken");
        await group.Status(); // the actor handled the credit and handed out what it allowed
        await Task.Delay(200);
        Assert.Equal(2, Taken());
        await Eventually(async () => (await group.Broadcast(6)).Accepted, () => "the two taken messages never became stable");

        var rejectedBefore = (await group.Status()).InputsRejected;
        actor.Tell(new RequestDeliveries(0));
        await Eventually(async () => (await group.Status()).InputsRejected == rejectedBefore + 1, () => "a request for 0 was not counted");

        actor.Tell(new RequestDeliveries(1));
        await Eventually(() => Task.FromResult(Taken() >= 3), () => $"{Taken()} of 3 taken");
        var stopped = await group.Leave().WaitAsync(Generous);
        Assert.Equal(GroupStopReason.Left, stopped.Reason);
        await Eventually(() => Task.FromResult(events.Any(e => e is GroupStopped)), () => "no GroupStopped");
        Assert.Equal(Enumerable.Range(1, 6), events.OfType<Delivered>().Select(d => (int)d.Payload));
        Assert.IsType<GroupStopped>(events.Last());
    }

    [Fact]
    public async Task Options_an_on_demand_subscriber_cannot_honour_are_refused_at_join()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "on-demand-options");
        var groups = CausalGroups.Get(nodes[0]);
        var subscriber = nodes[0].ActorOf(Props.Empty);
        var noSnapshotSource = Assert.Throws<ArgumentException>(() => groups.Join("g", subscriber, new JoinOptions { OnDemand = true }));
        Assert.Contains("Stateless", noSnapshotSource.Message);
        Assert.Throws<ArgumentException>(() => groups.Join("g", subscriber, new JoinOptions { Stateless = true, ReaderStallTimeout = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentException>(() => groups.Join("g", subscriber, new JoinOptions { OnDemand = true, Stateless = true, ReaderStallTimeout = TimeSpan.Zero }));
    }
}
