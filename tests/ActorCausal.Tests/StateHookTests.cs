using System.Collections.Concurrent;
using System.Text;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

/// <summary>Where joiners' state comes from (stateless, a delegate, a provider actor) and the opt-in check that payloads deserialize.</summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class StateHookTests(ThreeNodeClusterFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Records what the group tells it; never answers a snapshot request.</summary>
    private sealed class SilentSubscriber : ReceiveActor
    {
        public sealed record Get;
        public sealed record Seen(IReadOnlyList<MessageId> Delivered, int SnapshotRequests, IReadOnlyList<byte[]> Installed, long ViewId);

        public SilentSubscriber(ConcurrentQueue<MessageId>? applied)
        {
            var delivered = new List<MessageId>();
            var installed = new List<byte[]>();
            var requests = 0;
            long viewId = 0;
            Receive<Delivered>(d =>
            {
                delivered.Add(d.MessageId);
                applied?.Enqueue(d.MessageId);
            });
            Receive<SnapshotRequest>(_ => requests++);
            Receive<InstallSnapshot>(s => installed.Add(s.Snapshot.ToArray()));
            Receive<ViewChanged>(v => viewId = v.View.Id);
            Receive<Get>(_ => Sender.Tell(new Seen([.. delivered], requests, [.. installed], viewId)));
            ReceiveAny(_ => { });
        }
    }

    /// <summary>The payload Akka's JSON serializer writes but cannot read back: its only public constructor refuses.</summary>
    public sealed class OneWay
    {
        private OneWay(int value, bool _) => Value = value;

        public OneWay(int value) => throw new InvalidOperationException($"a OneWay({value}) cannot be rebuilt");

        public int Value { get; }

        public static OneWay Of(int value) => new(value, true);
    }

    private static IActorRef Silent(ActorSystem system, ConcurrentQueue<MessageId>? applied = null) =>
        system.ActorOf(Props.Create(() => new SilentSubscriber(applied)));

    private static Task<SilentSubscriber.Seen> SeenBy(IActorRef subscriber) =>
        subscriber.Ask<SilentSubscriber.Seen>(new SilentSubscriber.Get(), TimeSpan.FromSeconds(10));

    private static async Task WaitForView(IEnumerable<CausalGroup> handles, int size)
    {
        var list = handles.ToList();
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var s = await Task.WhenAll(list.Select(h => h.Status()));
            return s.All(x => x.State == GroupActorState.Member && x.View.Size == size && x.Phase == MemberPhase.Normal) && s.Select(x => x.View.Id).Distinct().Count() == 1;
        }, Generous, async () => string.Join("; ", (await Task.WhenAll(list.Select(h => h.Status()))).Select(x => $"{x.State} {x.View}")));
    }

    [Fact]
    public async Task Stateless_members_admit_joiners_without_snapshot_requests_or_timeouts()
    {
        var nodes = fixture.Nodes;
        var stateless = new JoinOptions { Stateless = true };
        var subscribers = nodes.Systems.Select(s => Silent(s)).ToList();
        var handles = new List<CausalGroup>();
        for (var i = 0; i < 3; i++)
        {
            handles.Add(CausalGroups.Get(nodes[i]).Join("stateless", subscribers[i], stateless));
            await WaitForView(handles, i + 1);
            Assert.Equal(BroadcastOutcome.Sent, (await handles[0].Broadcast($"before join {i}")).Outcome);
        }

        var seen = await Task.WhenAll(subscribers.Select(SeenBy));
        Assert.All(seen, s => Assert.Equal(0, s.SnapshotRequests));
        Assert.All(seen, s => Assert.Empty(s.Installed));
        Assert.All(await Task.WhenAll(handles.Select(h => h.Status())), s => Assert.Equal(0, s.SnapshotTimeouts));
        foreach (var h in handles) await h.Leave();
    }

    [Fact]
    public async Task A_snapshot_delegate_gives_the_state_after_exactly_the_deliveries_before_the_boundary_and_a_provider_actor_answers_instead_of_the_subscriber()
    {
        var nodes = fixture.Nodes;
        // Node 0 keeps its state in a queue its subscriber fills; the delegate waits until the state has caught up.
        var applied = new ConcurrentQueue<MessageId>();
        var byDelegate = new JoinOptions
        {
            TakeSnapshot = async request =>
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (applied.Count < request.DeliveredBefore)
                {
                    if (DateTime.UtcNow > deadline) throw new TimeoutException($"the state has {applied.Count} of {request.DeliveredBefore} deliveries");
                    await Task.Delay(5);
                }
                return Encoding.UTF8.GetBytes(string.Join(",", applied.Take((int)request.DeliveredBefore)));
            },
        };
        var founder = Silent(nodes[0], applied);
        var founderHandle = CausalGroups.Get(nodes[0]).Join("hooks", founder, byDelegate);
        await WaitForView([founderHandle], 1);
        var sends = Enumerable.Range(0, 200).Select(k => founderHandle.Broadcast($"m{k}", DeliveryOrder.Causal)).ToList();

        // Node 1 joins while node 0 streams.
        var joiner = Silent(nodes[1]);
        var joinerHandle = CausalGroups.Get(nodes[1]).Join("hooks", joiner);
        await Task.WhenAll(sends);
        await WaitForView([founderHandle, joinerHandle], 2);
        await RecordedGroup.EventuallyAsync(async () => (await SeenBy(founder)).Delivered.Count == 200, Generous, () => Task.FromResult("founder delivering"));
        var joinerSeen = await SeenBy(joiner);
        var installed = Assert.Single(joinerSeen.Installed);
        var snapshotIds = Encoding.UTF8.GetString(installed).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(MessageId.Parse).ToList();
        var founderSeen = await SeenBy(founder);
        // The snapshot is exactly the founder's deliveries before the boundary; the joiner delivers the rest itself.
        Assert.Equal(founderSeen.Delivered.Take(snapshotIds.Count), snapshotIds);
        await RecordedGroup.EventuallyAsync(async () => (await SeenBy(joiner)).Delivered.Count == 200 - snapshotIds.Count, Generous,
            async () => $"joiner delivered {(await SeenBy(joiner)).Delivered.Count}, snapshot {snapshotIds.Count}");
        Assert.Equal(founderSeen.Delivered, snapshotIds.Concat((await SeenBy(joiner)).Delivered));
        Assert.Equal(0, founderSeen.SnapshotRequests);
        Assert.Equal(0, (await founderHandle.Status()).SnapshotTimeouts);

        // A member whose snapshots come from a provider actor founds another group; a joiner gets the provider's state.
        var provider = nodes[2].ActorOf(Props.Create(() => new ProviderActor()));
        var providerHandle = CausalGroups.Get(nodes[2]).Join("hooks-provider", Silent(nodes[2]), new JoinOptions { SnapshotProvider = provider });
        await WaitForView([providerHandle], 1);
        var late = Silent(nodes[0]);
        var lateHandle = CausalGroups.Get(nodes[0]).Join("hooks-provider", late);
        await WaitForView([providerHandle, lateHandle], 2);
        await RecordedGroup.EventuallyAsync(async () => (await SeenBy(late)).Installed.Count == 1, Generous, () => Task.FromResult("installing"));
        Assert.Equal("from the provider", Encoding.UTF8.GetString((await SeenBy(late)).Installed[0]));

        foreach (var h in new[] { founderHandle, joinerHandle, providerHandle, lateHandle }) await h.Leave();
    }

    private sealed class ProviderActor : ReceiveActor
    {
        public ProviderActor() => Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, Encoding.UTF8.GetBytes("from the provider"))));
    }

    [Fact]
    public async Task With_verify_payloads_a_payload_that_serializes_but_does_not_deserialize_is_refused_at_the_sender()
    {
        var nodes = fixture.Nodes;
        var verified = CausalGroups.Get(nodes[0]).Join("verified", Silent(nodes[0]), new JoinOptions { VerifyPayloads = true });
        await WaitForView([verified], 1);

        var reply = await verified.Broadcast(OneWay.Of(7));
        Assert.Equal(RefusalReason.PayloadNotSerializable, reply.Reason);
        Assert.Contains("could not be deserialized", reply.Detail);
        var direct = await (await verified.Ref).Ask<BroadcastReply>(new Broadcast(OneWay.Of(8)), Generous);
        Assert.Equal(RefusalReason.PayloadNotSerializable, direct.Reason);
        Assert.Equal(BroadcastOutcome.Sent, (await verified.Broadcast("a string comes back")).Outcome);
        Assert.Equal(0, (await verified.Status()).Protocol.Sent - 1);

        // Without the check (the default) the same payload is sent.
        var unverified = CausalGroups.Get(nodes[1]).Join("unverified", Silent(nodes[1]));
        await WaitForView([unverified], 1);
        Assert.Equal(BroadcastOutcome.Sent, (await unverified.Broadcast(OneWay.Of(9))).Outcome);
        await verified.Leave();
        await unverified.Leave();
    }
}
