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
}
