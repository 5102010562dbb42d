using System.Security.Cryptography;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// On Akka's default maximum-frame-size (128000b): a view change whose flush carries 20,000 undecided total-order
/// messages, and a joiner's 5 MB snapshot. Both only fit through chunked transfer.
/// </summary>
public sealed class LargeViewChangeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);
    private const int PerSender = 10_000;
    private const int SnapshotBytes = 5 * 1024 * 1024;

    /// <summary>Keeps the ids it delivered, answers every snapshot request with the same 5 MB, records the snapshot it installs.</summary>
    private sealed class BigStateSubscriber : ReceiveActor
    {
        public sealed record Get;
        public sealed record State(IReadOnlyList<MessageId> Delivered, byte[]? Installed, IReadOnlyList<GroupView> Views);

        public BigStateSubscriber(byte[] snapshot)
        {
            var delivered = new List<MessageId>();
            var views = new List<GroupView>();
            byte[]? installed = null;
            Receive<Delivered>(d => delivered.Add(d.MessageId));
            Receive<ViewChanged>(v => views.Add(v.View));
            Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, snapshot)));
            Receive<InstallSnapshot>(s => installed = s.Snapshot.ToArray());
            Receive<Get>(_ => Sender.Tell(new State([.. delivered], installed, [.. views])));
            ReceiveAny(_ => { });
        }
    }

    [Fact]
    public async Task A_flush_of_twenty_thousand_undecided_total_order_messages_and_a_five_megabyte_snapshot_cross_default_frames()
    {
        const string throttled = "akka.remote.dot-netty.tcp.applied-adapters = [trttl]\n";
        await using var nodes = new ClusterNodes();
        nodes.AddNode("large", throttled);
        nodes.AddNode("large", throttled);
        // The node that is cut off: terminating it at the end runs no coordinated shutdown (it could not leave anyway).
        nodes.AddNode("large", throttled + "akka.coordinated-shutdown.run-by-actor-system-terminate = off");
        // The joiner must not found a group of its own while the members are busy with the backlog.
        nodes.AddNode("large", throttled + "actorcausal.founding-delay = 120s");
        await nodes.WaitForUpAsync(4, TimeSpan.FromSeconds(30));
        Assert.All(nodes.Systems, s => Assert.Equal(128_000, s.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size")));
        var logs = nodes.Systems.Select(Logs.Collect).ToList();

        var snapshot = RandomNumberGenerator.GetBytes(SnapshotBytes);
        // Room for every message, and slow retries: 20,000 undecided messages are retried towards the cut-off node
        // (which never answers) with back-off; the default 40 ms .. 1 s would make that retry traffic the test's load.
        var protocol = new GroupMemberSettings { MaxUnstable = 3 * PerSender, TotalRetryDelayMs = 2_000, NakMaxDelayMs = 20_000 };
        var subscribers = nodes.Systems.Select(s => s.ActorOf(Props.Create(() => new BigStateSubscriber(snapshot)))).ToList();
        var handles = Enumerable.Range(0, 3).Select(i => CausalGroups.Get(nodes[i]).Join("large", subscribers[i], protocol)).ToList();
        await WaitUntil(async () => (await Task.WhenAll(handles.Select(h => h.Status()))).All(s => s.View.Size == 3), "a three-member view");

        // Node 2 is cut off (every link to and from it drops everything): nobody proposes for it, so every total-order
        // message stays undecided. No downing provider runs, so it stays in the view until the test downs it.
        var cut = nodes[2];
        var cutAddress = Cluster.Get(cut).SelfAddress;
        foreach (var i in new[] { 0, 1, 3 })
        {
            var address = Cluster.Get(nodes[i]).SelfAddress;
            Assert.True(await Transport(cut).ManagementCommand(new SetThrottle(address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
            Assert.True(await Transport(nodes[i]).ManagementCommand(new SetThrottle(cutAddress, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)));
        }
        var sends = new List<Task<BroadcastReply>>();
        for (var k = 0; k < PerSender; k++)
        {
            sends.Add(handles[0].Broadcast(k, DeliveryOrder.Total));
            sends.Add(handles[1].Broadcast(-k, DeliveryOrder.Total));
        }
        var replies = await Task.WhenAll(sends);
        Assert.All(replies, r => Assert.Equal(BroadcastOutcome.Sent, r.Outcome));
        await WaitUntil(async () => (await Task.WhenAll(handles.Take(2).Select(h => h.Status()))).All(s => s.Protocol.PendingNow >= 2 * PerSender),
            "every message held back undecided at both survivors");
        Assert.Empty(await DeliveredAsync(subscribers[0]));

        // Node 3 joins (its admission waits for the flush, which waits for the cut-off node) and the cut-off node is
        // downed: one flush whose reports and decision carry all 20,000, and a welcome with 5 MB.
        var joiner = CausalGroups.Get(nodes[3]).Join("large", subscribers[3], protocol);
        await joiner.Ref;
        Cluster.Get(nodes[0]).Down(cutAddress);
        await WaitUntil(async () =>
        {
            var statuses = await Task.WhenAll(handles[0].Status(), handles[1].Status(), joiner.Status());
            return statuses.All(s => s.State == GroupActorState.Member && s.View.Size == 3 && s.Phase == MemberPhase.Normal)
                   && statuses.Select(s => s.View.Id).Distinct().Count() == 1;
        }, "survivors and joiner in one view");

        var states = await Task.WhenAll(new[] { 0, 1, 3 }.Select(i => subscribers[i].Ask<BigStateSubscriber.State>(new BigStateSubscriber.Get(), TimeSpan.FromSeconds(10))));
        Assert.Equal(2 * PerSender, states[0].Delivered.Count);
        Assert.Equal(states[0].Delivered, states[1].Delivered);
        Assert.NotNull(states[2].Installed);
        Assert.True(snapshot.AsSpan().SequenceEqual(states[2].Installed), "the joiner installed the 5 MB snapshot byte for byte");
        Assert.Equal(states[0].Views[^1], states[2].Views[^1]);

        var all = await Task.WhenAll(handles[0].Status(), handles[1].Status(), joiner.Status());
        output.WriteLine(string.Join("\n", all.Select(s => $"{s.Self}: chunks sent {s.ChunksSent} in {s.ChunkedMessagesSent} messages, reassembled {s.ChunkedMessagesReceived}, refused {s.ChunksRefused}, expired {s.ChunkTransfersExpired}")));
        Assert.True(all.Sum(s => s.ChunkedMessagesReceived) >= 2, "the flush and the welcome travelled in pieces");
        Assert.True(all[2].ChunkedMessagesReceived >= 1, "the joiner reassembled its welcome");
        Assert.All(all, s => Assert.Equal(0, s.ChunksRefused + s.ChunkTransfersExpired));
        var oversized = logs.SelectMany(l => l).Where(e => (e.Message?.ToString() ?? "").Contains("oversized", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Empty(oversized);
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    private static async Task<IReadOnlyList<MessageId>> DeliveredAsync(IActorRef subscriber) =>
        (await subscriber.Ask<BigStateSubscriber.State>(new BigStateSubscriber.Get(), TimeSpan.FromSeconds(10))).Delivered;

    private static Task WaitUntil(Func<Task<bool>> condition, string what) =>
        RecordedGroup.EventuallyAsync(condition, Generous, () => Task.FromResult(what));
}
