using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ActorCausal.Tests;

/// <summary>During a view change that cannot finish, broadcasts are held only up to the back-pressure bound; past it they are refused.</summary>
public sealed class HeldBackPressureTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Held_broadcasts_count_against_max_unstable_and_the_excess_is_refused_with_back_pressure()
    {
        const string throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]\n";
        await using var nodes = new ClusterNodes();
        nodes.AddNode("held", throttled);
        nodes.AddNode("held", throttled + "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        nodes.AddNode("held", throttled + "actorcausal.founding-delay = 120s");
        await nodes.WaitForUpAsync(3, TimeSpan.FromSeconds(30));

        var protocol = new GroupMemberSettings { MaxUnstable = 20 };
        var group = await RecordedGroup.JoinAsync("held", [nodes[0], nodes[1]], protocol);
        await group.WaitForFullViewAsync(Generous);

        // Node 1 is cut off (no downing provider: it stays in the view) and node 2 asks to join: the coordinator's
        // flush waits for node 1's report, so node 0 holds its broadcasts.
        var cutAddress = Cluster.Get(nodes[1]).SelfAddress;
        foreach (var i in new[] { 0, 2 })
        {
            var address = Cluster.Get(nodes[i]).SelfAddress;
            Assert.True(await Transport(nodes[1]).ManagementCommand(new SetThrottle(address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await Transport(nodes[i]).ManagementCommand(new SetThrottle(cutAddress, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }
        var joiner = await RecordedGroup.JoinAsync("held", [nodes[2]], protocol);
        await RecordedGroup.EventuallyAsync(async () => (await group.Handles[0].Status()).Phase == MemberPhase.Flushing, Generous,
            async () => (await group.Handles[0].Status()).Phase.ToString());

        var replies = new List<BroadcastReply>();
        for (var k = 0; k < 60; k++)
            replies.Add(await group.Subscribers[0].Ask<BroadcastReply>(new RecordingSubscriber.SendOne($"held {k}", DeliveryOrder.Causal), Generous));
        Assert.Equal(20, replies.Count(r => r.Outcome == BroadcastOutcome.Held));
        Assert.Equal(40, replies.Count(r => r.Reason == RefusalReason.BackPressure));
        Assert.Equal(20, (await group.Handles[0].Status()).Protocol.HeldBroadcasts);

        // Once the cut-off node is downed, the view change finishes and every held broadcast goes out and is delivered.
        Cluster.Get(nodes[0]).Down(cutAddress);
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var progress = await Task.WhenAll(group.ProgressAsync(), joiner.ProgressAsync());
            return progress[0][0].HeldReleased == 20 && progress[0][0].Deliveries.Count(d => d.Payload is string s && s.StartsWith("held ")) == 20;
        }, Generous, async () => $"released {(await group.ProgressAsync())[0].HeldReleased}, view {(await group.Handles[0].Status()).View}");

        // Each release carries the delivery token of its message (the new view, the sender's entry at its sequence), and
        // the joiner, which never saw the held broadcasts' replies, waits for the last one and has it.
        var released = (await group.ProgressAsync())[0].Released;
        Assert.Equal(20, released.Length);
        foreach (var r in released)
        {
            var token = Assert.IsType<DeliveryToken>(r.Token);
            Assert.Equal(r.Id.ViewId, token.ViewId);
            Assert.Equal(r.Id.Sequence, token.Delivered[r.Id.Sender]);
        }
        var last = released[^1];
        var wait = await joiner.Handles[0].WaitForDelivered(last.Token!.Value, Generous);
        Assert.True(wait.Succeeded, wait.ToString());
        Assert.Contains((await joiner.ProgressAsync())[0].Deliveries, d => d.MessageId == last.Id);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;
}
