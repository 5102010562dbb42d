using System.Collections.Concurrent;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Streams.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams.Tests.Group;

/// <summary>
/// Broadcasts of the flow answered Held during a view change, with the later elements already told to the group actor,
/// are waited for, not re-sent, and their ids emitted in element order once released.
/// </summary>
public sealed class HeldBroadcastStreamTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_flow_waits_through_a_view_change_and_emits_each_held_broadcasts_id_once_it_goes_out()
    {
        const string throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]\n";
        await using var cluster = await StreamsCluster.StartAsync(3, i => throttled + (i == 2 ? "actorcausal.founding-delay = 120s" : ""));
        var events = Enumerable.Range(0, 3).Select(_ => new ConcurrentQueue<IGroupEvent>()).ToArray();
        Task<CausalGroupMember> Join(int node) =>
            CausalGroupSource.Join("held").To(Sink.ForEach<IGroupEvent>(events[node].Enqueue)).Run(cluster.Materializer(node));

        var member0 = await Join(0).WaitAsync(Generous);
        await member0.Admitted.WaitAsync(Generous);
        var member1 = await Join(1).WaitAsync(Generous);
        await member1.Admitted.WaitAsync(Generous);
        await Eventually.Async(() => events[0].OfType<ViewChanged>().LastOrDefault()?.View.Size == 2, Generous, () => "no view of two");

        // Node 1 is cut off (no downing provider: it stays in the view) and node 2 asks to join: node 0's flush waits for
        // node 1's report, so node 0 holds its broadcasts.
        var cut = Cluster.Get(cluster[1]).SelfAddress;
        foreach (var i in new[] { 0, 2 })
        {
            Assert.True(await Transport(cluster[1]).ManagementCommand(new SetThrottle(Cluster.Get(cluster[i]).SelfAddress, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await Transport(cluster[i]).ManagementCommand(new SetThrottle(cut, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }
        _ = Join(2);
        await Eventually.Async(() => member0.Group.Status().Result.Phase == MemberPhase.Flushing, Generous, () => "node 0 is not flushing");

        var ids = Source.From(Enumerable.Range(1, 5)).Via(CausalGroupFlow.Broadcast<int>(member0, settings: new CausalGroupFlowSettings { MaxInFlight = 64 }))
            .RunWith(Sink.Seq<MessageId>(), cluster.Materializer(0));
        // The window (64) is larger than the stream: every element reaches the group actor and is held, in order.
        await Eventually.Async(() => member0.Group.Status().Result.Protocol.HeldBroadcasts == 5, Generous,
            () => $"{member0.Group.Status().Result.Protocol.HeldBroadcasts} of 5 broadcasts held");
        Assert.False(ids.IsCompleted);

        // Once the cut-off node is downed, the view change finishes and the held broadcasts go out in order.
        Cluster.Get(cluster[0]).Down(cut);
        var sent = await ids.WaitAsync(Generous);
        await Eventually.Async(() => events[0].OfType<Delivered>().Count(d => d.Payload is int) >= 5, Generous, () => "node 0 did not deliver all 5");

        var delivered = events[0].OfType<Delivered>().Where(d => d.Payload is int).ToList();
        Assert.Equal(Enumerable.Range(1, 5), delivered.Select(d => (int)d.Payload));
        Assert.Equal(sent, delivered.Select(d => d.MessageId));
        await Eventually.Async(() => events[0].OfType<BroadcastReleased>().Count() >= 5, Generous, () => "not every release reached the source");
        Assert.Equal(sent, events[0].OfType<BroadcastReleased>().Select(r => r.Id));
        Assert.Equal(sent.Distinct(), sent);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;
}
