using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// A link failure rather than a crash: one node's links are blackholed both ways (Akka.Remote's throttler adapter) in
/// the middle of a stream, until Akka's split-brain resolver (keep-majority, hocon/split-brain-resolver.conf) downs it.
/// The majority goes on in a two-member view; the cut-off node's group stops (Downed) and delivers nothing more.
/// </summary>
public sealed class BlackholeDowningTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_blackholed_until_the_resolver_downs_it_stops_and_the_majority_goes_on_with_virtual_synchrony()
    {
        // The resolver's demo timings, with a little more patience for a loaded CI machine; the downed node's system
        // stays alive (no coordinated shutdown when downed) so that its group can be questioned afterwards.
        // (The overrides come after the file: in HOCON the later value wins.)
        var config = Repo.Hocon("split-brain-resolver.conf") + "\n" + """
            akka.remote.dot-netty.tcp.applied-adapters = [trttl, gremlin]
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
            akka.cluster.run-coordinated-shutdown-when-down = off
            """;
        await using var nodes = await ClusterNodes.StartAsync(3, "blackhole", config);
        var group = await RecordedGroup.JoinAsync("blackhole", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var firstView = (await group.Handles[0].Status()).View;

        const int perMember = 2000;
        const int afterwards = 200;
        // While node 2 is cut off nothing of the others becomes stable, so a writer past max-unstable is refused
        // BackPressure until the view without node 2: the writers wait that out, as an application must.
        group.Subscribers[0].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Causal, RetryBackPressure: true));
        group.Subscribers[1].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Total, RetryBackPressure: true));
        group.Subscribers[2].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Total, RetryBackPressure: true));
        await RecordedGroup.EventuallyAsync(async () => (await group.ProgressAsync()).All(p => p.Delivered >= 150), Generous,
            async () => string.Join("; ", (await group.ProgressAsync()).Select(p => $"delivered {p.Delivered}")));

        // Cut node 2 off: every link to and from it drops everything, on both ends.
        var cut = 2;
        var survivors = new[] { 0, 1 };
        var cutAddress = Cluster.Get(nodes[cut]).SelfAddress;
        var cutId = ClusterNodes.MemberIdOf(nodes[cut]);
        foreach (var i in survivors)
        {
            var address = Cluster.Get(nodes[i]).SelfAddress;
            Assert.True(await Transport(nodes[cut]).ManagementCommand(new SetThrottle(address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await Transport(nodes[i]).ManagementCommand(new SetThrottle(cutAddress, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }

        // The cut-off side is the minority: the resolver downs it there too, and its group stops.
        await RecordedGroup.EventuallyAsync(async () => (await Progress(group.Subscribers[cut])).Stopped, Generous,
            async () => $"cut node: {(await group.Handles[cut].Status()).State}, cluster sees {string.Join(", ", Cluster.Get(nodes[cut]).State.Members.Select(m => $"{m.Address.Port}:{m.Status}"))}");
        var cutStatus = await group.Handles[cut].Status();
        Assert.Equal(GroupActorState.Stopped, cutStatus.State);
        var cutHistoryAtStop = await group.Subscribers[cut].Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10));

        // The majority keeps broadcasting after the split (on top of what is left of its first streams).
        foreach (var i in survivors) group.Subscribers[i].Tell(new RecordingSubscriber.Burst(afterwards, DeliveryOrder.Causal, RetryBackPressure: true));

        // The majority installs a view of two and finishes its streams in it.
        var survivorIds = survivors.Select(i => ClusterNodes.MemberIdOf(nodes[i])).ToHashSet();
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var statuses = await Task.WhenAll(survivors.Select(i => group.Handles[i].Status()));
            var progress = await Task.WhenAll(survivors.Select(i => Progress(group.Subscribers[i])));
            return statuses.All(s => s.View.Size == 2 && !s.View.Contains(cutId) && s.Phase == MemberPhase.Normal && s.Protocol.PendingNow == 0)
                   && statuses[0].View.Id == statuses[1].View.Id
                   && progress.All(p => p.InFlight == 0 && p.Sent == perMember + afterwards
                                        && p.Deliveries.Count(d => survivorIds.Contains(d.Sender)) == 2 * (perMember + afterwards));
        }, Generous, async () => string.Join("; ", await Task.WhenAll(survivors.Select(async i =>
        {
            var s = await group.Handles[i].Status();
            var p = await Progress(group.Subscribers[i]);
            return $"{s.Self}: {s.Phase} {s.View} pending {s.Protocol.PendingNow} sent {p.Sent} refused {p.Refused} delivered {p.Delivered}";
        }))));

        var finalStatuses = await Task.WhenAll(survivors.Select(i => group.Handles[i].Status()));
        Assert.All(finalStatuses, s => Assert.True(s.View.Id > firstView.Id));
        Assert.All(finalStatuses, s => Assert.Equal(GroupActorState.Member, s.State));

        // The cut-off member's history ends with its stop: nothing delivered after it, even while the majority went on.
        output.WriteLine($"cut-off system terminated: {nodes[cut].WhenTerminated.IsCompleted}");
        var histories = new List<MemberHistory>();
        foreach (var i in new[] { 0, 1, 2 })
        {
            try
            {
                histories.Add(await group.Subscribers[i].Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10)));
            }
            catch (AskTimeoutException)
            {
                output.WriteLine($"node {i}: no answer; terminated {nodes[i].WhenTerminated.IsCompleted}");
                throw;
            }
        }
        var cutEvents = histories[cut].Events;
        Assert.Equal(cutHistoryAtStop.Events.Count(e => e is DeliverEvent), cutEvents.Count(e => e is DeliverEvent));
        var stopAt = cutEvents.Select((e, i) => (e, i)).Single(x => x.e is StopEvent).i;
        Assert.Equal(StopReason.Downed, ((StopEvent)cutEvents[stopAt]).Reason);
        Assert.DoesNotContain(cutEvents.Skip(stopAt + 1), e => e is DeliverEvent or ViewEvent);
        var cutProgress = await Progress(group.Subscribers[cut]);
        Assert.Equal(cutEvents.Take(stopAt).Count(e => e is DeliverEvent), cutProgress.Delivered);
        Assert.All(cutEvents.OfType<ViewEvent>(), v => Assert.True(v.ViewId <= firstView.Id, "the cut-off member installs no view after the split"));
        output.WriteLine($"cut-off member: delivered {cutProgress.Delivered}, sent {cutProgress.Sent}, stopped: {(StopEvent)cutEvents[stopAt]}");

        // Virtual synchrony and the other invariants over all three logs (the downed member is not a correct member).
        // Delivery is not uniform (docs/protocol.md, Limits): before it is downed, the cut-off member may have decided
        // a total order that no survivor learned. Survivors always agree among themselves, which the strict check
        // below keeps; disagreements seen only through the downed member are reported, not failed.
        var violations = InvariantChecker.Check(histories, new CheckerOptions { UniformTotalOrder = false });
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
        var nonUniform = InvariantChecker.Check(histories).Where(v => v.Kind == ViolationKind.UniformTotal).ToList();
        Assert.All(nonUniform, v => Assert.Equal(cutId, v.Member));
        output.WriteLine($"total-order disagreements involving only the downed member (allowed, non-uniform): {nonUniform.Count}");

        // The survivors delivered the same set of the cut-off member's messages.
        var fromCut = await Task.WhenAll(survivors.Select(async i =>
            (await Progress(group.Subscribers[i])).Deliveries.Where(d => d.Sender == cutId).Select(d => d.MessageId).ToHashSet()));
        Assert.True(fromCut[0].SetEquals(fromCut[1]));
        output.WriteLine($"survivors: view {finalStatuses[0].View}, delivered {fromCut[0].Count} messages of the cut-off member");
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    private static Task<RecordingSubscriber.Progress> Progress(IActorRef subscriber) =>
        subscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
}
