using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Causal sessions on a real two-node cluster: a token taken from a broadcast on one node, carried as a string (as in an
/// HTTP header) to the other, where <see cref="CausalGroup.WaitForDelivered"/> waits while the link between them is
/// throttled to nothing, refuses at its timeout, and completes once the link is restored, with the write readable there.
/// </summary>
public sealed class CausalSessionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_write_token_waits_on_the_other_node_while_the_link_is_cut_refuses_at_its_timeout_and_completes_once_the_link_is_restored()
    {
        const string adapters = "akka.remote.dot-netty.tcp.applied-adapters = [trttl, gremlin]";
        await using var nodes = await ClusterNodes.StartAsync(2, "sessions", adapters);
        var group = await RecordedGroup.JoinAsync("sessions", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var (a, b) = (0, 1);
        var addressB = Cluster.Get(nodes[b]).SelfAddress;

        // No tokens at all: every protocol message a sends to b stays buffered (in order) in a's endpoint writer.
        var none = new TokenBucket(capacity: 1, tokensPerSecond: 1, nanoTimeOfLastSend: 0, availableTokens: 0);
        Assert.True(await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressB, ThrottleTransportAdapter.Direction.Send, none)));
        var restored = false;
        try
        {
            var reply = await group.Handles[a].Broadcast("write-1");
            Assert.Equal(BroadcastOutcome.Sent, reply.Outcome);
            var token = Assert.IsType<DeliveryToken>(reply.Token);
            Assert.Equal("sessions", token.Group);
            Assert.Equal(reply.Id.ViewId, token.ViewId);
            Assert.Equal(reply.Id.Sequence, token.Delivered[reply.Id.Sender]);
            var header = token.ToString();
            output.WriteLine($"token: {header}");

            // The writer's own member passes its token.
            Assert.Equal(DeliveryWaitOutcome.Reached, (await group.Handles[a].WaitForDelivered(token, Generous)).Outcome);

            // On b, without waiting, the write is absent; a short wait refuses at its timeout.
            var carried = DeliveryToken.Parse(header);
            Assert.DoesNotContain((await Progress(group.Subscribers[b])).Deliveries, d => d.MessageId == reply.Id);
            var refused = await group.Handles[b].WaitForDelivered(carried, TimeSpan.FromMilliseconds(500));
            Assert.Equal(DeliveryWaitOutcome.TimedOut, refused.Outcome);
            Assert.False(refused.Succeeded);
            output.WriteLine($"short wait: {refused}");
            Assert.DoesNotContain((await Progress(group.Subscribers[b])).Deliveries, d => d.MessageId == reply.Id);

            // A long wait is still waiting after the write was checked absent again; then the link is restored.
            var wait = group.Handles[b].WaitForDelivered(carried, Generous);
            Assert.DoesNotContain((await Progress(group.Subscribers[b])).Deliveries, d => d.MessageId == reply.Id);
            Assert.False(wait.IsCompleted, "the wait ended while the link was cut");
            Assert.True(await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressB, ThrottleTransportAdapter.Direction.Send, Unthrottled.Instance)));
            restored = true;

            var result = await wait;
            Assert.Equal(DeliveryWaitOutcome.Reached, result.Outcome);
            Assert.True(result.Position.Delivered[reply.Id.Sender] >= reply.Id.Sequence, $"b's position {result.Position} covers {reply.Id}");
            // Read-your-writes: an Ask to b's subscriber after the wait is handled after the delivery (no polling).
            Assert.Contains((await Progress(group.Subscribers[b])).Deliveries, d => d.MessageId == reply.Id && Equals(d.Payload, "write-1"));
            Assert.Equal(DeliveryWaitOutcome.Reached, (await group.Handles[a].WaitForDelivered(group.Handles[b].DeliveredToken, Generous)).Outcome);
        }
        finally
        {
            if (!restored)
                await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressB, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance));
        }
    }

    [Fact]
    public async Task A_wait_refuses_a_token_of_another_group_at_once_ends_when_the_member_leaves_and_an_earlier_views_token_is_passed()
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "sessions2");
        var group = await RecordedGroup.JoinAsync("sessions2", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var (a, b) = (0, 1);
        var reply = await group.Handles[a].Broadcast("write-1");
        var token = Assert.IsType<DeliveryToken>(reply.Token);
        Assert.Equal(DeliveryWaitOutcome.Reached, (await group.Handles[b].WaitForDelivered(token, Generous)).Outcome);

        var other = DeliveryToken.Of("another-group", (await group.Handles[b].Status()).View, [0, 0]);
        var wrong = await group.Handles[b].WaitForDelivered(other, Generous).WaitAsync(Generous);
        Assert.Equal(DeliveryWaitOutcome.WrongGroup, wrong.Outcome);
        Assert.Contains("another-group", wrong.Detail);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = group.Handles[b].WaitForDelivered(token, Timeout.InfiniteTimeSpan); });
        Assert.Throws<ArgumentException>(() => { _ = group.Handles[b].WaitForDelivered(default, Generous); });

        // A position no one will reach: b's wait ends when b leaves, not at its (long) timeout.
        var view = (await group.Handles[b].Status()).View;
        var unreachable = DeliveryToken.Of("sessions2", view, [1_000_000, 1_000_000]);
        var waiting = group.Handles[b].WaitForDelivered(unreachable, TimeSpan.FromMinutes(10));
        var left = await group.Handles[b].Leave();
        output.WriteLine($"b: {left}");
        var stopped = await waiting.WaitAsync(Generous);
        Assert.Equal(DeliveryWaitOutcome.Stopped, stopped.Outcome);
        Assert.Equal(DeliveryWaitOutcome.Stopped, (await group.Handles[b].WaitForDelivered(unreachable, TimeSpan.FromMinutes(10)).WaitAsync(Generous)).Outcome);
        Assert.Equal(DeliveryWaitOutcome.Reached, (await group.Handles[b].WaitForDelivered(token, TimeSpan.FromMinutes(10))).Outcome);

        // a installs a view without b: the token of the earlier view is passed there.
        await RecordedGroup.EventuallyAsync(async () => (await group.Handles[a].Status()).View.Size == 1, Generous,
            async () => $"a: {(await group.Handles[a].Status()).View}");
        var passed = await group.Handles[a].WaitForDelivered(unreachable, Generous);
        Assert.Equal(DeliveryWaitOutcome.ViewPassed, passed.Outcome);
        Assert.True(passed.Succeeded);
        Assert.True(group.Handles[a].DeliveredToken.ViewId > view.Id);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    private static Task<RecordingSubscriber.Progress> Progress(IActorRef subscriber) =>
        subscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
}
