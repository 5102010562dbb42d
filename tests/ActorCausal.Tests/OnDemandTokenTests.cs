using System.Collections.Concurrent;
using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

/// <summary>
/// With an on-demand reader (<see cref="JoinOptions.OnDemand"/>) "delivered" is what the reader took: the member's
/// <see cref="CausalGroup.DeliveredToken"/>, <see cref="CausalGroup.CurrentDeliveredToken"/> and
/// <see cref="CausalGroup.WaitForDelivered"/> follow the reader's credit, and
/// <see cref="GroupStatus.ReaderBacklog"/> counts what waits for it.
/// </summary>
public sealed class OnDemandTokenTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Tokens_and_waits_follow_what_the_reader_took_and_the_backlog_counts_the_rest()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "on-demand-token");
        var system = nodes[0];
        var events = new ConcurrentQueue<IGroupEvent>();
        var group = CausalGroups.Get(system).Join("g", EventCollectors.On(system, events),
            new JoinOptions { OnDemand = true, Stateless = true });
        var view = await group.Admitted.WaitAsync(Generous);
        var actor = await group.Ref;
        var self = view.Members.ToList().FindIndex(m => m.Address == ClusterNodes.MemberIdOf(system).Address);

        var replies = new List<BroadcastReply>();
        for (var i = 1; i <= 3; i++) replies.Add(await group.Broadcast(i));
        Assert.All(replies, r => Assert.Equal(BroadcastOutcome.Sent, r.Outcome));
        var last = replies[^1].Token!.Value;
        Assert.Equal(3, last.Delivered[self]);

        var status = await group.Status();
        Assert.Equal(3, status.ReaderBacklog);
        Assert.Equal(3, status.Protocol.Delivered); // the protocol delivered them: only the reader has not taken them
        Assert.Equal(0, group.DeliveredToken.Delivered[self]);
        Assert.Equal(DeliveryWaitOutcome.TimedOut, (await group.WaitForDelivered(last, TimeSpan.FromMilliseconds(300))).Outcome);

        actor.Tell(new RequestDeliveries(2));
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(events.OfType<Delivered>().Count() >= 2), Generous,
            () => Task.FromResult($"{events.OfType<Delivered>().Count()} of 2 reached the collector"));
        // Asked after the subscriber got them: covers them at once, without waiting for a publication.
        Assert.Equal(2, (await group.CurrentDeliveredToken()).Delivered[self]);
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(group.DeliveredToken.Delivered[self] == 2), Generous,
            () => Task.FromResult($"delivered token {group.DeliveredToken}"));
        Assert.True((await group.WaitForDelivered(replies[1].Token!.Value, TimeSpan.Zero)).Succeeded);
        Assert.Equal(DeliveryWaitOutcome.TimedOut, (await group.WaitForDelivered(last, TimeSpan.FromMilliseconds(300))).Outcome);
        status = await group.Status();
        Assert.Equal(1, status.ReaderBacklog);
        Assert.Equal(0, status.ReaderCredits);

        var waiting = group.WaitForDelivered(last, Generous);
        actor.Tell(new RequestDeliveries(5));
        Assert.Equal(DeliveryWaitOutcome.Reached, (await waiting).Outcome);
        status = await group.Status();
        Assert.Equal(0, status.ReaderBacklog);
        Assert.Equal(4, status.ReaderCredits);
        await RecordedGroup.EventuallyAsync(() => Task.FromResult(events.OfType<Delivered>().Count() >= 3), Generous,
            () => Task.FromResult($"{events.OfType<Delivered>().Count()} of 3 reached the collector"));
        Assert.Equal([1, 2, 3], events.OfType<Delivered>().Select(d => (int)d.Payload));
        await group.Leave().WaitAsync(Generous);
    }
}
