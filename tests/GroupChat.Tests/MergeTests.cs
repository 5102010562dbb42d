using System.Text.Json;
using GroupChat.Tests.Support;
using Xunit.Abstractions;

namespace GroupChat.Tests;

/// <summary>
/// Two groups of one room that formed apart merge (README, "Merge"): every node ends with both sides' history, by the
/// test's own digest from the API (attachment bytes included), persisted in SQLite, and the room goes on as one group.
/// </summary>
public sealed class MergeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_cut_off_while_its_groups_found_forms_its_own_and_after_the_heal_every_node_has_both_sides()
    {
        var dir = TestCluster.NewDataDirectory();
        try
        {
            // A shared history first: three nodes, one room, one message; then every node stops.
            string room, shared;
            await using (var first = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir))
            {
                room = await first.CreateRoomEverywhereAsync("town square", "alice");
                shared = Id(await first.Clients[0].Post(room, "alice", "before the split"));
                await first.ConvergedDigestAsync(room, d => d.Contains(shared));
                await first.Cluster.StopAsync();
            }

            // All three start again, n3 cut off from n1 and n2 while the groups found: two groups of the room form.
            await using var split = await SplitCluster.StartAsync(dir);
            var (n1, n2, n3) = (split.Clients[0], split.Clients[1], split.Clients[2]);
            await Eventually.Until(async () => await n1.IsMember(room) && await n2.IsMember(room) && await n3.IsMember(room), Generous, "every node is a member of a group of the room");
            Assert.Equal(["n3"], await View(n3, room));
            Assert.Equal(["n1", "n2"], (await View(n1, room)).Order());

            // Each side goes on: posts, a reply to the shared message, a file, a reaction, and renames by the admin on both.
            var file = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
            var main = Id(await n1.Post(room, "alice", "from the main side"));
            var reply = Id(await n2.Post(room, "bob", "a reply on the main side", replyTo: shared, after: n1.LastToken));
            await n2.React(room, shared, "bob", "👍");
            await n1.Send(Rename(room, "Main Square"));
            var upload = Id(await n3.Upload(room, "carol", "cut.bin", file));
            var cut = Id(await n3.Post(room, "carol", "from the cut-off side", replyTo: shared, attachment: upload));
            await n3.React(room, shared, "carol", "🎉");
            Assert.True((await n3.Send(Rename(room, "Cut Square"))).IsSuccessStatusCode); // later by HLC: it wins
            Assert.DoesNotContain(cut, await ApiDigest.Of(n1, room));
            Assert.DoesNotContain(main, await ApiDigest.Of(n3, room));

            await split.HealAsync();
            string[] digests = [];
            await Eventually.Until(async () =>
            {
                digests = await Task.WhenAll(split.Clients.Select(c => ApiDigest.Of(c, room)));
                return digests.Distinct().Count() == 1 && new[] { shared, main, reply, cut }.All(digests[0].Contains);
            }, Generous, () => "every node has both sides:\n" + string.Join("\n----\n", digests));
            output.WriteLine(digests[0]);
            Assert.StartsWith("name=Cut Square\n", digests[0]);
            Assert.Contains("🎉[carol] 👍[bob]", digests[0]); // emoji in ordinal order
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(file, await split.Clients[i].Download(room, upload));
                var log = split.Nodes[i].Runtime!.Store.LoadEvents(room);
                Assert.Empty(OrderChecks.Violations($"n{i + 1} (SQLite)", log));
                Assert.Superset(new[] { shared, main, reply, upload, cut }.ToHashSet(), log.Select(e => e.Id).ToHashSet());
            }

            // One group now: a post at n3 reaches n1 and n2.
            await Eventually.Until(async () => (await View(n1, room)).Length == 3 && (await View(n3, room)).Length == 3, Generous, "one view of three nodes");
            var after = Id(await n3.Post(room, "carol", "after the merge"));
            await Eventually.Until(async () => (await Task.WhenAll(split.Clients.Select(c => ApiDigest.Of(c, room)))).All(d => d.Contains(after)), Generous, "the post after the merge reaches every node");
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }

    /// <summary>
    /// Rooms created on both sides of a split: each side's rooms reach the other, and a room id created on both keeps the
    /// earlier creation (its name and admin) at every node, with both sides' posts; the other creator's rename counts for
    /// nothing (README, "Merge").
    /// </summary>
    [Fact]
    public async Task Rooms_created_on_both_sides_of_a_split_are_everywhere_after_the_heal_and_a_room_id_created_twice_keeps_the_earlier_creation()
    {
        var dir = TestCluster.NewDataDirectory();
        try
        {
            await using var split = await SplitCluster.StartAsync(dir);
            var (n1, n3) = (split.Clients[0], split.Clients[2]);
            var mainOnly = Id(await n1.CreateRoom("main only", "alice"));
            var both = Id(await n1.CreateRoom("Both Sides", "ann"));
            var cutOnly = Id(await n3.CreateRoom("cut only", "carol"));
            Assert.Equal(both, Id(await n3.CreateRoom("both sides!", "cid"))); // n3 does not know ann's: created again, later
            await Eventually.Until(async () => await n1.IsMember(both) && await n3.IsMember(both), Generous, "each side's group of the room");
            var annPost = Id(await n1.Post(both, "ann", "ann's side"));
            var cidPost = Id(await n3.Post(both, "cid", "cid's side"));
            Assert.True((await n3.Send(new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{both}/rename") { Content = System.Net.Http.Json.JsonContent.Create(new { author = "cid", name = "Cid's Room" }) })).IsSuccessStatusCode);

            await split.HealAsync();
            string[] seen = [];
            await Eventually.Until(async () =>
            {
                seen = await Task.WhenAll(split.Clients.Select(async c =>
                {
                    var rooms = await ChatClient.Expect(await c.Get("/api/rooms"), System.Net.HttpStatusCode.OK);
                    return string.Join(", ", rooms.EnumerateArray().Select(r => $"{r.GetProperty("id").GetString()}:{r.GetProperty("name").GetString()}:{r.GetProperty("admin").GetString()}").Order());
                }));
                return seen.Distinct().Count() == 1 && new[] { mainOnly, cutOnly, both }.All(seen[0].Contains);
            }, Generous, () => "every node lists every room: " + string.Join(" | ", seen));
            Assert.Contains($"{both}:Both Sides:ann", seen[0]);

            string[] digests = [];
            await Eventually.Until(async () =>
            {
                digests = await Task.WhenAll(split.Clients.Select(c => ApiDigest.Of(c, both)));
                return digests.Distinct().Count() == 1 && digests[0].Contains(annPost) && digests[0].Contains(cidPost);
            }, Generous, () => "both sides' posts everywhere:\n" + string.Join("\n----\n", digests));
            Assert.StartsWith("name=Both Sides\n", digests[0]); // cid's rename is not an admin's under ann's creation
            foreach (var c in split.Clients)
            {
                var room = await ChatClient.Expect(await c.Get($"/api/rooms/{both}"), System.Net.HttpStatusCode.OK);
                Assert.Equal("ann", room.GetProperty("admin").GetString());
            }
            await Eventually.Until(async () => (await ApiDigest.Of(n1, cutOnly)).StartsWith("name=cut only"), Generous, "n1 serves the room created on the cut-off side");
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }

    private static HttpRequestMessage Rename(string room, string name) =>
        new(HttpMethod.Post, $"/api/rooms/{room}/rename") { Content = System.Net.Http.Json.JsonContent.Create(new { author = "alice", name }) };

    private static async Task<string[]> View(ChatClient client, string room)
    {
        var body = await ChatClient.Expect(await client.Get($"/api/causality?room={room}"), System.Net.HttpStatusCode.OK);
        return body.GetProperty("rooms")[0].GetProperty("view").EnumerateArray().Select(v => v.GetString()!).ToArray();
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;
}
