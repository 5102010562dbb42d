using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using VectorClock = ActorCausal.Protocol.Clocks.VectorClock;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Bad input over real remoting: a protocol message from a system that is not a member, one from a member that claims
/// another member's identity, and one of a stale view. Each is dropped, counted in the status and logged, and the group
/// keeps delivering.
/// </summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class BadInputTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static ActorSelection GroupActorOn(ActorSystem from, Address node, string group) =>
        from.ActorSelection(new RootActorPath(node) / "system" / "actorcausal" / CausalGroups.ActorNameOf(group));

    private static DataMessage Forged(long viewId, int size) =>
        new(viewId, 0, 1, DeliveryOrder.Causal, VectorClock.Of(Enumerable.Range(0, size).Select(k => k == 0 ? 1L : 0L).ToArray()),
            VectorClock.Zero(size), new HlcTimestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0), [], new SerializedPayload(0, "", new byte[] { 1 }));

    [Fact]
    public async Task Messages_from_outsiders_impostors_and_stale_views_are_dropped_counted_logged_and_the_group_goes_on()
    {
        var nodes = fixture.Nodes;
        var group = await RecordedGroup.JoinAsync("bad-input", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var target = Cluster.Get(nodes[0]).SelfAddress;
        var viewId = (await group.Handles[0].Status()).View.Id;
        Assert.True(viewId > 1, "the group went through joins, so an earlier view exists");
        var log = Logs.Collect(nodes[0]);

        // 1. A system that is in no cluster and not in the group.
        var outsider = ActorSystem.Create("outsider", ClusterNodes.NodeConfig(null));
        try
        {
            CausalGroups.Get(outsider);
            var outsiderId = ClusterNodes.MemberIdOf(outsider);
            var outsiderActor = outsider.ActorOf(Props.Empty, "sender");
            GroupActorOn(outsider, target, group.Name).Tell(new GroupEnvelope(outsiderId, [Forged(viewId, 3)]), outsiderActor);

            // 2. The same system claiming to be member 1.
            GroupActorOn(outsider, target, group.Name).Tell(new GroupEnvelope(ClusterNodes.MemberIdOf(nodes[1]), [Forged(viewId, 3)]), outsiderActor);

            // 3. A real member sending a message of an earlier view.
            var memberActor = nodes[1].ActorOf(Props.Empty, "stale-sender");
            GroupActorOn(nodes[1], target, group.Name).Tell(new GroupEnvelope(ClusterNodes.MemberIdOf(nodes[1]), [Forged(viewId - 1, 2)]), memberActor);

            await RecordedGroup.EventuallyAsync(async () =>
            {
                var s = await group.Handles[0].Status();
                return s.RejectedBy(RejectReason.NotAMember) >= 1 && s.UnverifiedSenders >= 1 && s.RejectedBy(RejectReason.StaleView) >= 1;
            }, Generous, async () => $"{(await group.Handles[0].Status()).Protocol.Rejected.Count} reasons, unverified {(await group.Handles[0].Status()).UnverifiedSenders}");
        }
        finally
        {
            await outsider.Terminate();
        }

        var status = await group.Handles[0].Status();
        Assert.Equal(viewId, status.View.Id);
        Assert.Equal(GroupActorState.Member, status.State);
        Assert.Contains(log, e => e.Message.ToString()!.Contains("NotAMember"));
        Assert.Contains(log, e => e.Message.ToString()!.Contains("claiming to come from"));

        // The group keeps delivering, and what was delivered satisfies every invariant.
        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(30, DeliveryOrder.Causal));
        await group.WaitForDeliveriesAsync(90, Generous);
        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
        Assert.All(await group.StatusesAsync(), s => Assert.Equal(viewId, s.View.Id));
    }

    [Fact]
    public async Task Malformed_bytes_from_the_wire_raise_a_logged_serialization_error_and_the_group_keeps_running()
    {
        var nodes = fixture.Nodes;
        var group = await RecordedGroup.JoinAsync("garbage", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var log = Logs.Collect(nodes[0]);

        var evil = ActorSystem.Create("evil", Akka.Configuration.ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.actor.serializers.garbage = "ActorCausal.Tests.Support.GarbageSerializer, ActorCausal.Tests"
            akka.actor.serialization-bindings { "ActorCausal.Tests.Support.Garbage, ActorCausal.Tests" = garbage }
            """));
        try
        {
            var path = new RootActorPath(Cluster.Get(nodes[0]).SelfAddress) / "system" / "actorcausal" / CausalGroups.ActorNameOf(group.Name);
            var target = ((ExtendedActorSystem)evil).Provider.ResolveActorRef(path);
            var random = new Random(7);
            for (var i = 0; i < 5; i++)
            {
                var bytes = new byte[64];
                random.NextBytes(bytes);
                target.Tell(new Garbage(bytes), ActorRefs.NoSender);
            }
            await RecordedGroup.EventuallyAsync(() => Task.FromResult(log.Any(e => e.ToString().Contains("CausalGroupsSerializer could not deserialize"))),
                Generous, () => Task.FromResult(string.Join("\n", log.Select(e => e.ToString()))));
        }
        finally
        {
            await evil.Terminate();
        }

        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(20, DeliveryOrder.Total));
        await group.WaitForDeliveriesAsync(60, Generous);
        Assert.Empty(InvariantChecker.Check(await group.HistoriesAsync()));
        Assert.All(await group.StatusesAsync(), s => Assert.Equal(GroupActorState.Member, s.State));
    }
}
