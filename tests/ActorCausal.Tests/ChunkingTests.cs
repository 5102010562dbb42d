using ActorCausal.Protocol;
using ActorCausal.Serialization;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>Chunked transfer on a small piece size: large payloads interleaved with small ones, and bad or missing pieces.</summary>
public sealed class ChunkingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private const string SmallPieces = """
        actorcausal.chunking {
          piece-size = 4KiB
          max-message-size = 1MiB
          reassembly-timeout = 1s
        }
        """;

    [Fact]
    public async Task Payloads_larger_than_a_piece_interleave_with_small_ones_in_order_and_bad_pieces_are_refused_and_counted()
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "chunks", SmallPieces);
        var group = await RecordedGroup.JoinAsync("chunks", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);

        // Every third payload is 10 KB (three pieces), the others a few bytes: order and content must survive.
        var big = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var sends = new List<Task<BroadcastReply>>();
        for (var k = 0; k < 60; k++)
        {
            object payload = k % 3 == 0 ? new byte[][] { big, [(byte)k] }.SelectMany(b => b).ToArray() : $"small {k}";
            // Through the recording subscriber, which records the send for the checker.
            sends.Add(group.Subscribers[k % 2].Ask<BroadcastReply>(new RecordingSubscriber.SendOne(payload, k % 4 == 0 ? DeliveryOrder.Total : DeliveryOrder.Causal), Generous));
        }
        Assert.All(await Task.WhenAll(sends), r => Assert.True(r.Accepted, r.ToString()));
        await group.WaitForDeliveriesAsync(60, Generous);
        var progress = await group.ProgressAsync();
        foreach (var p in progress)
        {
            var bigOnes = p.Deliveries.Where(d => d.Payload is byte[]).Select(d => (byte[])d.Payload).ToList();
            Assert.Equal(20, bigOnes.Count);
            Assert.All(bigOnes, b => Assert.True(b.AsSpan(0, big.Length).SequenceEqual(big), "a reassembled payload differs"));
        }
        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(10)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
        var statuses = await group.StatusesAsync();
        Assert.All(statuses, s => Assert.True(s.ChunkedMessagesReceived >= 10, $"{s.Self} reassembled {s.ChunkedMessagesReceived}"));

        // Bad pieces from member 1 (a real member, so they pass the sender check) to member 0.
        var target = nodes.Systems[0];
        var from = ClusterNodes.MemberIdOf(nodes[1]);
        var groupActor = nodes[1].ActorSelection(new RootActorPath(Cluster.Get(target).SelfAddress) / "system" / "actorcausal" / "chunks");
        var sender = nodes[1].ActorOf(Props.Empty, "bad-pieces");
        var before = await group.Handles[0].Status();
        byte[] piece = [1, 2, 3, 4];
        groupActor.Tell(new GroupChunk(from, 1_000, 1, 3, 12, "D", piece), sender);                  // no first piece
        groupActor.Tell(new GroupChunk(from, 1_001, 0, 3, 2L * 1024 * 1024, "D", piece), sender);     // larger than max-message-size
        groupActor.Tell(new GroupChunk(from, 1_002, 0, 3, 12, "D", piece), sender);                   // then piece 2 without piece 1
        groupActor.Tell(new GroupChunk(from, 1_002, 2, 3, 12, "D", piece), sender);
        groupActor.Tell(new GroupChunk(from, 1_003, 0, 1, 4, "D", piece), sender);                    // complete, but not a DataMessage
        groupActor.Tell(new GroupChunk(from, 1_004, 0, 2, 8, "D", piece), sender);                    // never finished: expires
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var s = await group.Handles[0].Status();
            return s.ChunksRefused - before.ChunksRefused >= 4 && s.ChunkTransfersExpired - before.ChunkTransfersExpired >= 1;
        }, Generous, async () =>
        {
            var s = await group.Handles[0].Status();
            return $"refused {s.ChunksRefused - before.ChunksRefused}, expired {s.ChunkTransfersExpired - before.ChunkTransfersExpired}";
        });
        var after = await group.Handles[0].Status();
        Assert.Equal(4, after.ChunksRefused - before.ChunksRefused);
        Assert.Equal(before.ChunkedMessagesReceived, after.ChunkedMessagesReceived);

        // The group goes on.
        Assert.All(await Task.WhenAll(group.Subscribers.Select(sub => sub.Ask<BroadcastReply>(new RecordingSubscriber.SendOne(big, DeliveryOrder.Causal), Generous))),
            r => Assert.True(r.Accepted));
        await group.WaitForDeliveriesAsync(62, Generous);
    }

    /// <summary>
    /// A payload big enough to be measured (over half a piece) that fits in one piece leaves as a single piece with the
    /// bytes that measured it: intact, in order with the small ones, and not counted as a chunked transfer.
    /// </summary>
    [Fact]
    public async Task Payloads_measured_but_within_one_piece_arrive_intact_in_order_and_are_not_counted_as_chunked()
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "onepiece", SmallPieces);
        var group = await RecordedGroup.JoinAsync("onepiece", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);

        var mid = Enumerable.Range(0, 3_000).Select(i => (byte)(i * 13)).ToArray();
        var sends = new List<Task<BroadcastReply>>();
        for (var k = 0; k < 40; k++)
        {
            object payload = k % 4 < 2 ? mid.Append((byte)k).ToArray() : $"small {k}"; // both members send both kinds
            sends.Add(group.Subscribers[k % 2].Ask<BroadcastReply>(new RecordingSubscriber.SendOne(payload, k % 4 == 0 ? DeliveryOrder.Total : DeliveryOrder.Causal), Generous));
        }
        Assert.All(await Task.WhenAll(sends), r => Assert.True(r.Accepted, r.ToString()));
        await group.WaitForDeliveriesAsync(40, Generous);
        foreach (var p in await group.ProgressAsync())
        {
            var midOnes = p.Deliveries.Where(d => d.Payload is byte[]).Select(d => (byte[])d.Payload).ToList();
            Assert.Equal(20, midOnes.Count);
            Assert.All(midOnes, b => Assert.True(b.Length == mid.Length + 1 && b.AsSpan(0, mid.Length).SequenceEqual(mid), "a single-piece payload differs"));
        }
        var violations = InvariantChecker.Check(await group.HistoriesAsync());
        foreach (var v in violations.Take(10)) output.WriteLine(v.ToString());
        Assert.Empty(violations);
        Assert.All(await group.StatusesAsync(), s =>
        {
            Assert.True(s.SinglePiecesSent >= 10, $"{s.Self} sent {s.SinglePiecesSent} single pieces");
            Assert.Equal(0, s.ChunksSent);
            Assert.Equal(0, s.ChunkedMessagesReceived);
            Assert.Equal(0, s.ChunksRefused);
        });
    }
}
