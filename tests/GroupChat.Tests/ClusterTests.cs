using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using GroupChat.Model;
using GroupChat.Tests.Support;
using Xunit.Abstractions;

namespace GroupChat.Tests;

/// <summary>One three-node chat cluster (no downing, a tolerant failure detector) shared by the tests of this class.</summary>
public sealed class ChatClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync(3, TestCluster.NoDowning);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ChatClusterCollection : ICollectionFixture<ChatClusterFixture>
{
    public const string Name = "chat cluster";
}

[Collection(ChatClusterCollection.Name)]
public sealed class ClusterTests(ChatClusterFixture fixture, ITestOutputHelper output)
{
    private TestCluster C => fixture.Cluster;

    /// <summary>
    /// n1's link to n3 is stalled with Akka's throttler (a token bucket that lets almost nothing through; the endpoint
    /// writer keeps the messages, in order). n2 answers n1's question, reacts to it and shows n1's file: those reach n3
    /// before what they depend on and wait in its hold-back queue. Then the link is restored. At every node every reply
    /// comes after its parent, every reaction after its target, every message that shows a file after the file.
    /// </summary>
    [Fact]
    public async Task On_a_throttled_link_replies_reactions_and_attachment_messages_come_after_what_they_depend_on_at_every_node()
    {
        var room = await C.CreateRoomEverywhereAsync("ordering", "alice");
        var (n1, n2, n3) = (C.Clients[0], C.Clients[1], C.Clients[2]);
        var heldBefore = (await C.CausalityAsync(2, room)).HeldBackTotal;
        var file = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();

        var stall = new TokenBucket(capacity: 1, tokensPerSecond: 1, nanoTimeOfLastSend: 0, availableTokens: 0);
        Assert.True(await Transport(C.Nodes[0]).ManagementCommand(new SetThrottle(C.Nodes[2].Runtime!.Address, ThrottleTransportAdapter.Direction.Send, stall)));
        var restored = false;
        try
        {
            var question = Id(await n1.Post(room, "alice", "Where is the plan?"));
            var upload = Id(await n1.Upload(room, "alice", "plan.bin", file));
            await Eventually.Until(async () => (await C.LogAsync(1, room)).Any(e => e.Id == upload), TimeSpan.FromSeconds(60), "n2 delivers the question and the file");

            var reply = Id(await n2.Post(room, "bob", "Here, attached", replyTo: question));
            await n2.React(room, question, "bob", "👍");
            var shown = Id(await n2.Post(room, "bob", "the plan", attachment: upload));
            // Some load from every node on top, replies to whatever each node has delivered.
            var random = new Random(8);
            for (var i = 0; i < 24; i++)
            {
                var at = random.Next(3);
                var known = (await C.LogAsync(at, room)).Where(e => e.Event is Posted).Select(e => e.Id).ToList();
                var parent = known.Count > 0 && random.Next(2) == 0 ? known[random.Next(known.Count)] : null;
                if (random.Next(4) == 0 && parent is not null) await C.Clients[at].React(room, parent, $"p{at}", "🎉");
                else await C.Clients[at].Post(room, $"p{at}", $"msg {i}", replyTo: parent);
            }

            // n3 gets what n2 sent before what it depends on: it waits in n3's hold-back queue (until the link is
            // restored, or until a gap repair from another member brings the missing messages).
            await Eventually.Until(async () => (await C.CausalityAsync(2, room)).HeldBackTotal > heldBefore, TimeSpan.FromSeconds(60), "n3 holds back n2's reply");
            output.WriteLine($"n3 while the link is stalled: {(await C.CausalityAsync(2, room)).PendingNow} messages waiting");

            Assert.True(await Transport(C.Nodes[0]).ManagementCommand(new SetThrottle(C.Nodes[2].Runtime!.Address, ThrottleTransportAdapter.Direction.Send, Unthrottled.Instance)));
            restored = true;
            var digest = await C.ConvergedDigestAsync(room, d => d.Contains(shown) && d.Contains(reply));
            Assert.Contains("👍[bob]", digest);
        }
        finally
        {
            if (!restored)
                await Transport(C.Nodes[0]).ManagementCommand(new SetThrottle(C.Nodes[2].Runtime!.Address, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance));
        }

        for (var i = 0; i < 3; i++)
        {
            var log = await C.LogAsync(i, room);
            Assert.Empty(OrderChecks.Violations($"n{i + 1}", log));
        }
        Assert.Equal(file, await n3.Download(room, (await C.LogAsync(2, room)).First(e => e.Event is AttachmentUploaded).Id));
    }

    [Fact]
    public async Task A_node_that_joins_later_gets_the_same_history_with_its_attachments_by_state_transfer()
    {
        var room = await C.CreateRoomEverywhereAsync("history", "alice", creator: 1);
        var file = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var upload = Id(await C.Clients[0].Upload(room, "alice", "photo.bin", file));
        // bob's client moves to n2 with n1's causal token: n2 answers once it has the file.
        var root = Id(await C.Clients[1].Post(room, "bob", "look", attachment: upload, after: C.Clients[0].LastToken));
        var rootToken = C.Clients[1].LastToken;
        for (var i = 0; i < 40; i++) await C.Clients[i % 3].Post(room, $"p{i % 3}", $"reply {i}", replyTo: root, after: rootToken);
        var before = await C.ConvergedDigestAsync(room, d => d.Contains("reply 39"));

        var joiner = C.Clients.Count >= 4 ? C.Clients[3] : await C.AddNodeAsync();
        var joinerIndex = C.Clients.IndexOf(joiner);
        await Eventually.Until(async () => C.Nodes[joinerIndex].Runtime?.Room(room) is not null && await joiner.IsMember(room),
            TimeSpan.FromSeconds(60), "the joiner knows the room (lobby snapshot) and is admitted to its group");
        var after = await C.ConvergedDigestAsync(room);
        Assert.Equal(before, after);
        Assert.Equal(file, await joiner.Download(room, upload));
        Assert.Empty(OrderChecks.Violations("joiner", await C.LogAsync(joinerIndex, room)));
        // And it takes part: its post reaches everyone.
        var late = Id(await joiner.Post(room, "dave", "hello from the new node", replyTo: root));
        await C.ConvergedDigestAsync(room, d => d.Contains(late));
    }

    [Fact]
    public async Task Bad_requests_get_a_4xx_with_a_json_error_and_lose_nothing()
    {
        var room = await C.CreateRoomEverywhereAsync("bad input", "alice");
        var client = C.Clients[0];
        var kept = Id(await client.Post(room, "alice", "keep me"));
        async Task Expect(int status, HttpRequestMessage request)
        {
            var response = await client.Send(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            Assert.Contains("\"error\"", body);
        }
        HttpRequestMessage Json(string path, string json) => new(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };

        await Expect(400, Json($"/api/rooms/{room}/messages", "{not json"));
        await Expect(400, Json($"/api/rooms/{room}/messages", "[1,2]"));
        await Expect(400, Json($"/api/rooms/{room}/messages", """{"author":"bob","text":""}"""));
        await Expect(400, Json($"/api/rooms/{room}/messages", $$"""{"author":"bob","text":"{{new string('x', 5000)}}"}"""));
        await Expect(404, Json($"/api/rooms/{room}/messages", """{"author":"bob","text":"re","replyTo":"nope.9"}"""));
        await Expect(404, Json("/api/rooms/no-such-room/messages", """{"author":"bob","text":"hi"}"""));
        await Expect(404, Json($"/api/rooms/{room}/messages/nope.1/reactions", """{"author":"bob","emoji":"👍"}"""));
        await Expect(403, Json($"/api/rooms/{room}/rename", """{"author":"bob","name":"mine"}"""));
        await Expect(409, Json("/api/rooms", """{"name":"Bad Input","author":"bob"}"""));
        await Expect(400, Json("/api/rooms", """{"name":"","author":"bob"}"""));
        await Expect(400, new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room}/attachments?author=bob&name=big.bin") { Content = new ByteArrayContent(new byte[ChatLimits.MaxAttachmentBytes + 10]) });
        await Expect(400, new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room}/attachments?author=bob&name=empty.bin") { Content = new ByteArrayContent([]) });
        await Expect(404, new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/attachments/nope.3"));
        await Expect(400, new HttpRequestMessage(HttpMethod.Get, $"/api/rooms/{room}/messages?after=%%%"));
        await Expect(404, new HttpRequestMessage(HttpMethod.Get, "/api/nothing-here"));

        var messages = (await client.Messages(room))!.Value.GetProperty("messages");
        Assert.Contains(messages.EnumerateArray(), m => m.GetProperty("id").GetString() == kept);
    }

    [Fact]
    public async Task Two_nodes_creating_the_same_room_at_once_agree_on_one_creation_by_total_order()
    {
        var results = await Task.WhenAll(
            Task.Run(() => C.Clients[0].Send(new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = System.Net.Http.Json.JsonContent.Create(new { name = "Standup", author = "ann" }) })),
            Task.Run(() => C.Clients[2].Send(new HttpRequestMessage(HttpMethod.Post, "/api/rooms") { Content = System.Net.Http.Json.JsonContent.Create(new { name = "standup", author = "cid" }) })));
        var statuses = results.Select(r => (int)r.StatusCode).Order().ToArray();
        Assert.Equal([201, 409], statuses);
        var winner = results[0].StatusCode == System.Net.HttpStatusCode.Created ? "ann" : "cid";
        await Eventually.Until(async () =>
        {
            foreach (var c in C.Clients)
            {
                var room = await ChatClient.Expect(await c.Get("/api/rooms/standup"), System.Net.HttpStatusCode.OK);
                if (room.GetProperty("admin").GetString() != winner) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(60), $"every node has room standup with admin {winner}");
    }

    private static string Id(System.Text.Json.JsonElement e) => e.GetProperty("id").GetString()!;

    private static RemoteTransport Transport(GroupChat.Web.ChatNode node) =>
        ((IRemoteActorRefProvider)((ExtendedActorSystem)node.Runtime!.System).Provider).Transport;
}
