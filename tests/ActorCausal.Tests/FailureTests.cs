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

/// <summary>Real failures: a node crashing mid-stream (downed by the split-brain resolver) and a slowed link.</summary>
public sealed class FailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_crashing_mid_stream_is_downed_and_the_survivors_go_on_in_a_new_view_with_virtual_synchrony()
    {
        // hocon/split-brain-resolver.conf, with a little more patience for a loaded CI machine.
        // In HOCON the later value wins: the override comes after the file.
        var sbr = Repo.Hocon("split-brain-resolver.conf") + "\nakka.cluster.failure-detector.acceptable-heartbeat-pause = 3s\n";
        await using var nodes = new ClusterNodes();
        nodes.AddNode("crash", sbr);
        nodes.AddNode("crash", sbr);
        // Terminating this system runs no coordinated shutdown: it does not leave the cluster, it just disappears.
        nodes.AddNode("crash", "akka.coordinated-shutdown.run-by-actor-system-terminate = off\n" + sbr);
        await nodes.WaitForUpAsync(3, TimeSpan.FromSeconds(30));

        var group = await RecordedGroup.JoinAsync("crash", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        const int perMember = 1000;
        group.Subscribers[0].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Causal));
        group.Subscribers[1].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Total));
        group.Subscribers[2].Tell(new RecordingSubscriber.Burst(perMember, DeliveryOrder.Total));
        await RecordedGroup.EventuallyAsync(async () => (await group.ProgressAsync()).All(p => p.Delivered >= 150), Generous, () => Task.FromResult("streaming"));

        // Crash node 2: it stops asking for broadcasts, its history so far is kept, and its system vanishes.
        var crashed = group.Subscribers[2];
        crashed.Tell(new RecordingSubscriber.StopSending());
        await RecordedGroup.EventuallyAsync(async () => (await Progress(crashed)).InFlight == 0, Generous, () => Task.FromResult("draining"));
        var crashedHistory = await crashed.Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10));
        var crashedId = ClusterNodes.MemberIdOf(nodes[2]);
        await nodes[2].Terminate();

        // The survivors see it downed and removed, install a view without it, and finish their streams.
        var survivors = new[] { 0, 1 };
        var survivorIds = survivors.Select(i => ClusterNodes.MemberIdOf(nodes[i])).ToHashSet();
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var statuses = await Task.WhenAll(survivors.Select(i => group.Handles[i].Status()));
            var progress = await Task.WhenAll(survivors.Select(i => Progress(group.Subscribers[i])));
            return statuses.All(s => s.View.Size == 2 && !s.View.Contains(crashedId) && s.Phase == MemberPhase.Normal && s.Protocol.PendingNow == 0)
                   && statuses[0].View.Id == statuses[1].View.Id
                   && progress.All(p => p.InFlight == 0 && p.Sent == perMember
                                        && p.Deliveries.Count(d => survivorIds.Contains(d.Sender)) == 2 * perMember);
        }, Generous, async () => string.Join("; ", await Task.WhenAll(survivors.Select(async i =>
        {
            var s = await group.Handles[i].Status();
            var p = await Progress(group.Subscribers[i]);
            return $"{s.Self}: {s.Phase} {s.View} pending {s.Protocol.PendingNow} sent {p.Sent} delivered {p.Delivered}";
        }))));

        var histories = (await Task.WhenAll(survivors.Select(i => group.Subscribers[i].Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10))))).ToList();
        histories.Add(crashedHistory with { Events = [.. crashedHistory.Events, new CrashEvent()] });
        var violations = InvariantChecker.Check(histories);
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);

        // Both survivors delivered the same set of the crashed member's messages.
        var fromCrashed = await Task.WhenAll(survivors.Select(async i =>
            (await Progress(group.Subscribers[i])).Deliveries.Where(d => d.Sender == crashedId).Select(d => d.MessageId).ToHashSet()));
        Assert.True(fromCrashed[0].SetEquals(fromCrashed[1]));
        output.WriteLine($"survivors delivered {fromCrashed[0].Count} messages of the crashed member");
    }

    [Fact]
    public async Task A_reply_that_overtakes_its_cause_on_a_slowed_link_is_held_back_and_delivered_after_it()
    {
        const string throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl, gremlin]";
        await using var nodes = await ClusterNodes.StartAsync(3, "throttle", throttled);
        var group = await RecordedGroup.JoinAsync("thread", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var (a, b, c) = (0, 1, 2);
        var addressA = Cluster.Get(nodes[a]).SelfAddress;
        var addressC = Cluster.Get(nodes[c]).SelfAddress;
        Assert.StartsWith("akka.trttl.gremlin.tcp", addressA.ToString());

        // The link between a and c drops everything: a's question reaches b but not c.
        Assert.True(await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressC, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        try
        {
            var question = await group.Subscribers[a].Ask<BroadcastReply>(new RecordingSubscriber.SendOne("question", DeliveryOrder.Causal), TimeSpan.FromSeconds(10));
            Assert.Equal(BroadcastOutcome.Sent, question.Outcome);
            await RecordedGroup.EventuallyAsync(async () => (await Progress(group.Subscribers[b])).Deliveries.Any(d => d.MessageId == question.Id),
                Generous, () => Task.FromResult("b delivers the question"));

            // b answers; its causal reply reaches c first. c holds it back, learns of the question from the reply's
            // clock, and gets it by NAK (from a, or, as a does not answer, from b, which has it).
            var answer = await group.Subscribers[b].Ask<BroadcastReply>(new RecordingSubscriber.SendOne("answer", DeliveryOrder.Causal), TimeSpan.FromSeconds(10));
            Assert.Equal(BroadcastOutcome.Sent, answer.Outcome);
            await RecordedGroup.EventuallyAsync(async () => (await Progress(group.Subscribers[c])).Deliveries.Any(d => d.MessageId == answer.Id),
                Generous, async () => $"c: {(await group.Handles[c].Status()).Protocol}");

            var atC = (await Progress(group.Subscribers[c])).Deliveries.Select(d => d.MessageId).ToList();
            Assert.True(atC.IndexOf(question.Id) < atC.IndexOf(answer.Id), "c delivers the question before the answer");
            var statusC = await group.Handles[c].Status();
            Assert.True(statusC.HeldBack >= 1, "the answer waited in c's hold-back queue");
            Assert.True(statusC.Protocol.NaksSent >= 1, "c asked for the missing question");
            output.WriteLine($"c: held back {statusC.HeldBack}, NAKs {statusC.Protocol.NaksSent}");
        }
        finally
        {
            await Transport(nodes[a]).ManagementCommand(new SetThrottle(addressC, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance));
        }

        // Once the link is back, everyone delivers both, and the logs satisfy the invariants.
        await group.WaitForDeliveriesAsync(2, Generous);
        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    private static Task<RecordingSubscriber.Progress> Progress(IActorRef subscriber) =>
        subscriber.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10));
}
