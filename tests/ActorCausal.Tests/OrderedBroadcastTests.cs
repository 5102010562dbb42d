using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// <see cref="OrderedBroadcast"/>: a writer keeps many broadcasts in flight with Tell; those the member has no room for
/// wait in the group actor, and no later broadcast of the same writer may overtake one that waits.
/// </summary>
public sealed class OrderedBroadcastTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1)]
    [InlineData(16)] // told in OrderedBroadcastBatch messages (as CausalGroupFlow does), mixed with single ones
    public async Task A_burst_told_far_past_the_unstable_bound_is_sent_and_delivered_in_the_order_told_with_every_retry_uncounted(int perMessage)
    {
        const int count = 400, window = 32;
        await using var nodes = await ClusterNodes.StartAsync(2, "ordered");
        // A bound of 4: a stability report per message, and most of the burst waits in the group actor.
        var group = await RecordedGroup.JoinAsync("ordered", nodes.Systems, new GroupMemberSettings { MaxUnstable = 4 });
        await group.WaitForFullViewAsync(Generous);
        var actor = await group.Handles[0].Ref;
        // Traffic the other way too, so acknowledgements and deliveries interleave with the queue.
        group.Subscribers[1].Tell(new RecordingSubscriber.Burst(100, DeliveryOrder.Causal, RetryBackPressure: true));

        // The writer keeps a window in flight, as CausalGroupFlow does: a new broadcast is told for each answer, so
        // broadcasts keep arriving while earlier ones wait in the group actor.
        var writer = Inbox.Create(nodes[0]);
        var told = 0;
        var pending = new List<Broadcast>();
        void Tell()
        {
            pending.Add(new Broadcast($"w{told++}", DeliveryOrder.Causal));
            if (pending.Count >= perMessage) Flush();
        }
        void Flush()
        {
            if (pending.Count == 0) return;
            actor.Tell(pending.Count == 1 ? new OrderedBroadcast(pending[0]) : new OrderedBroadcastBatch(pending.ToArray()), writer.Receiver);
            pending.Clear();
        }
        while (told < window) Tell();
        Flush();
        var replies = new List<BroadcastReply>();
        var deadline = DateTime.UtcNow + Generous;
        while (replies.Count < count && DateTime.UtcNow < deadline)
        {
            if (await writer.ReceiveAsync(Generous) is not OrderedBroadcastReplies batch) continue;
            replies.AddRange(batch.Replies);
            for (var k = 0; k < batch.Replies.Count && told < count; k++) Tell();
            Flush();
        }

        Assert.Equal(count, replies.Count);
        Assert.All(replies, r => Assert.Equal(BroadcastOutcome.Sent, r.Outcome));
        // The i-th answer is the i-th broadcast told: its sequence number is the i-th of this member's in the view.
        var ids = replies.Select(r => r.Id).ToList();
        Assert.All(ids, id => Assert.Equal(ids[0].ViewId, id.ViewId));
        for (var i = 1; i < ids.Count; i++) Assert.True(ids[i].Sequence > ids[i - 1].Sequence, $"broadcast {i} went out as {ids[i]}, before broadcast {i - 1} ({ids[i - 1]})");

        await RecordedGroup.EventuallyAsync(async () => (await group.ProgressAsync()).All(p => p.Deliveries.Count(d => d.Payload is string s && s[0] == 'w') == count),
            Generous, async () => string.Join("; ", (await group.ProgressAsync()).Select(p => $"delivered {p.Delivered}")));
        foreach (var p in await group.ProgressAsync())
        {
            var delivered = p.Deliveries.Select(d => d.Payload).OfType<string>().Where(s => s[0] == 'w').ToList();
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"w{i}"), delivered);
        }

        // Back-pressure happened, but retries while the member had no room were not tried, so not refused: a refusal is
        // counted only when a broadcast finds the member full with nothing of its writer waiting, once per wait.
        var status = await group.Handles[0].Status();
        output.WriteLine($"refused {status.Protocol.Refused}, stability reports sent by the writer's member {status.Protocol.StabilityReportsSent}");
        Assert.True(status.Protocol.Refused > 0, "the burst never met back-pressure");
        Assert.True(status.Protocol.Refused <= count / 4, $"{status.Protocol.Refused} refusals for {count} broadcasts past a bound of 4");
    }
}
