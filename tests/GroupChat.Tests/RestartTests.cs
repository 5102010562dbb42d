using GroupChat.Tests.Support;

namespace GroupChat.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task After_every_node_is_stopped_and_started_again_the_history_is_back_from_sqlite()
    {
        var dir = TestCluster.NewDataDirectory();
        try
        {
            string room, before;
            var file = Enumerable.Range(0, 50_000).Select(i => (byte)(i % 251)).ToArray();
            await using (var first = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir))
            {
                room = await first.CreateRoomEverywhereAsync("durable", "alice");
                var upload = (await first.Clients[2].Upload(room, "carol", "notes.bin", file)).GetProperty("id").GetString();
                var root = (await first.Clients[0].Post(room, "alice", "remember this", attachment: upload, after: first.Clients[2].LastToken)).GetProperty("id").GetString();
                var rootToken = first.Clients[0].LastToken;
                for (var i = 0; i < 20; i++) await first.Clients[i % 3].Post(room, $"p{i % 3}", $"line {i}", replyTo: i % 2 == 0 ? root : null, after: rootToken);
                before = await first.ConvergedDigestAsync(room, d => d.Contains("line 19"));
                await first.Cluster.StopAsync();
            }

            await using var second = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir);
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(before, await second.DigestAsync(i, room));
                Assert.Empty(OrderChecks.Violations($"n{i + 1}", await second.LogAsync(i, room)));
            }
            // The room's group forms again and goes on.
            await Eventually.Until(async () => await second.Clients[0].IsMember(room) && await second.Clients[1].IsMember(room) && await second.Clients[2].IsMember(room),
                TimeSpan.FromSeconds(60), "the restarted nodes form the room's group again");
            var after = (await second.Clients[1].Post(room, "bob", "back again")).GetProperty("id").GetString()!;
            await second.ConvergedDigestAsync(room, d => d.Contains(after) && d.Contains("line 19"));
            var messages = (await second.Clients[2].Messages(room))!.Value.GetProperty("messages");
            var attachment = messages.EnumerateArray().First(m => m.GetProperty("text").GetString() == "remember this").GetProperty("attachment").GetProperty("id").GetString()!;
            Assert.Equal(file, await second.Clients[1].Download(room, attachment));
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }

    /// <summary>
    /// Histories that differ: n1's and n3's last posts never left their nodes (their links stalled) when all three crash
    /// at once. Started again together, each has its own history from SQLite; whether the group forms by joins (a
    /// joiner carries what the founder's state lacks) or forms twice and merges, every node ends with every post.
    /// </summary>
    [Fact]
    public async Task Three_nodes_restarted_at_once_with_different_sqlite_histories_end_with_every_post()
    {
        var dir = TestCluster.NewDataDirectory();
        try
        {
            string room, shared, onlyN1, onlyN3;
            await using (var first = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir))
            {
                room = await first.CreateRoomEverywhereAsync("diverged", "alice");
                shared = Id(await first.Clients[1].Post(room, "bob", "everyone has this"));
                await first.ConvergedDigestAsync(room, d => d.Contains(shared));
                var links = new[] { await Links.StallAsync(first, 0, 1), await Links.StallAsync(first, 0, 2), await Links.StallAsync(first, 2, 0), await Links.StallAsync(first, 2, 1) };
                onlyN1 = Id(await first.Clients[0].Post(room, "alice", "only n1 has this", replyTo: shared));
                onlyN3 = Id(await first.Clients[2].Post(room, "carol", "only n3 has this"));
                await Task.WhenAll(first.Nodes.Select(n => n.CrashAsync()));
            }
            var histories = Enumerable.Range(1, 3).Select(i =>
            {
                using var store = new GroupChat.Storage.ChatStore(GroupChat.Storage.ChatStore.FileFor(dir, $"n{i}"));
                return store.LoadEvents(room).Select(e => e.Id).ToHashSet();
            }).ToArray();
            Assert.True(histories[0].Contains(onlyN1) && !histories[0].Contains(onlyN3), "n1's history has its own post only");
            Assert.True(!histories[1].Contains(onlyN1) && !histories[1].Contains(onlyN3), "n2's history has neither");
            Assert.True(histories[2].Contains(onlyN3) && !histories[2].Contains(onlyN1), "n3's history has its own post only");

            await using var second = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir);
            var all = await second.ConvergedDigestAsync(room, d => new[] { shared, onlyN1, onlyN3 }.All(d.Contains));
            Assert.Contains($"reply={shared}", all);
            for (var i = 0; i < 3; i++)
            {
                var log = second.Nodes[i].Runtime!.Store.LoadEvents(room);
                Assert.Superset(new[] { shared, onlyN1, onlyN3 }.ToHashSet(), log.Select(e => e.Id).ToHashSet());
                Assert.Empty(OrderChecks.Violations($"n{i + 1} (SQLite)", log));
            }
            var after = Id(await second.Clients[1].Post(room, "bob", "all here again"));
            await second.ConvergedDigestAsync(room, d => d.Contains(after));
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }

    /// <summary>
    /// A room only n3's database knows (created while n3 was cut off, then every node crashed): after a restart of all
    /// three, n3's lobby carries the creation its state transfer lacked, and every node serves the room and its post.
    /// </summary>
    [Fact]
    public async Task A_room_only_one_nodes_database_knows_reaches_every_node_after_a_restart()
    {
        var dir = TestCluster.NewDataDirectory();
        try
        {
            string room, post;
            await using (var split = await SplitCluster.StartAsync(dir))
            {
                room = Id(await split.Clients[2].CreateRoom("cut off room", "carol"));
                post = Id(await split.Clients[2].Post(room, "carol", "written while cut off"));
                await Task.WhenAll(split.Nodes.Select(n => n.CrashAsync()));
            }
            for (var i = 1; i <= 3; i++)
            {
                using var store = new GroupChat.Storage.ChatStore(GroupChat.Storage.ChatStore.FileFor(dir, $"n{i}"));
                Assert.Equal(i == 3, store.LoadRooms().Any(r => r.RoomId == room));
            }

            await using var second = await TestCluster.StartAsync(3, TestCluster.NoDowning, dataDirectory: dir);
            var digest = await second.ConvergedDigestAsync(room, d => d.Contains(post));
            Assert.StartsWith("name=cut off room\n", digest);
            for (var i = 0; i < 3; i++) Assert.Contains(second.Nodes[i].Runtime!.Store.LoadRooms(), r => r.RoomId == room && r.Admin == "carol");
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }

    private static string Id(System.Text.Json.JsonElement e) => e.GetProperty("id").GetString()!;
}
