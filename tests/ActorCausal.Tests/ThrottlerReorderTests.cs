using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Akka.Remote's own fault-injection adapters (<c>applied-adapters = [trttl, gremlin]</c>): the link a -> c is slowed to
/// a crawl with a <see cref="TokenBucket"/> (the throttler refuses the write, Akka's endpoint writer buffers and retries,
/// nothing is lost), so that b's causal reply to a's question reaches c before the question does.
/// </summary>
public sealed class ThrottlerReorderTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_causal_reply_that_overtakes_its_cause_on_a_token_bucket_slowed_link_is_held_back_and_delivered_after_it_everywhere()
    {
        const string adapters = "akka.remote.dot-netty.tcp.applied-adapters = [trttl, gremlin]";
        await using var nodes = await ClusterNodes.StartAsync(3, "slowlink", adapters);
        var group = await RecordedGroup.JoinAsync("slowlink", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var (a, b, c) = (0, 1, 2);
        var addressC = Cluster.Get(nodes[c]).SelfAddress;
        Assert.StartsWith("akka.trttl.gremlin.tcp://", addressC.ToString());
        var heldBefore = (await group.Handles[c].Status()).HeldBack;

        // One token per second, a bucket of one token, none available: every protocol message (hundreds of bytes) is
        // refused by the throttler for minutes, and Akka's endpoint writer keeps it buffered, in order, until the link
        // is restored. The link a -> b is untouched.
        var slow = new TokenBucket(capacity: 1, tokensPerSecond: 1, nanoTimeOfLastSend: 0, availableTokens: 0);
        Assert.True(await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressC, ThrottleTransportAdapter.Direction.Send, slow)));
        var restored = false;
        try
        {
            var question = await group.Subscribers[a].Ask<BroadcastReply>(new RecordingSubscriber.SendOne("question", DeliveryOrder.Causal), TimeSpan.FromSeconds(10));
            Assert.Equal(BroadcastOutcome.Sent, question.Outcome);
            await RecordedGroup.EventuallyAsync(async () => (await Progress(group.Subscribers[b])).Deliveries.Any(d => d.MessageId == question.Id),
                Generous, () => Task.FromResult("b delivers the question"));

            var answer = await group.Subscribers[b].Ask<BroadcastReply>(new RecordingSubscriber.SendOne("answer", DeliveryOrder.Causal), TimeSpan.FromSeconds(10));
            Assert.Equal(BroadcastOutcome.Sent, answer.Outcome);

            // The answer arrives at c first and waits in its hold-back queue.
            await RecordedGroup.EventuallyAsync(async () => (await group.Handles[c].Status()).HeldBack > heldBefore,
                Generous, async () => $"c: {(await group.Handles[c].Status()).Protocol}");
            var statusC = await group.Handles[c].Status();
            output.WriteLine($"c while the link is slow: held back {statusC.HeldBack}, pending {statusC.Protocol.PendingNow}, NAKs {statusC.Protocol.NaksSent}");

            // Restore the link: the buffered question goes out, c delivers it, then the answer.
            Assert.True(await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressC, ThrottleTransportAdapter.Direction.Send, Unthrottled.Instance)));
            restored = true;
            await group.WaitForDeliveriesAsync(2, Generous);

            var progress = await group.ProgressAsync();
            foreach (var (p, i) in progress.Select((p, i) => (p, i)))
            {
                var ids = p.Deliveries.Select(d => d.MessageId).ToList();
                Assert.Equal(2, ids.Count);
                Assert.True(ids.IndexOf(question.Id) < ids.IndexOf(answer.Id), $"member {i} delivers the question before the answer");
            }
            statusC = await group.Handles[c].Status();
            Assert.True(statusC.HeldBack - heldBefore >= 1, "the answer waited in c's hold-back queue");
            Assert.Equal(0, statusC.Protocol.PendingNow);
            output.WriteLine($"c at the end: held back {statusC.HeldBack}, NAKs {statusC.Protocol.NaksSent}, duplicates {statusC.Protocol.Duplicates}");
        }
        finally
        {
            if (!restored)
                await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressC, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance));
        }

        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    private static Task<RecordingSubscriber.Progress> Progress(IActorRef subscriber) =>
        subscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
}
