using GroupChat.Tests.Support;

namespace GroupChat.Tests;

/// <summary>A real GroupChat process joins two in-process nodes, is killed by pid (SIGKILL) and started again.</summary>
public sealed class ProcessKillTests
{
    [Fact]
    public async Task A_killed_node_process_is_failed_by_the_others_and_when_started_again_has_its_history_and_what_it_missed()
    {
        await using var cluster = await TestCluster.StartAsync(2, TestCluster.QuickDowning);
        var dir = TestCluster.NewDataDirectory();
        try
        {
            var seed = cluster.Nodes[0].Runtime!.Address;
            var seedHostPort = $"{seed.Host}:{seed.Port}";
            string room, before;
            var n1 = cluster.Clients[0];
            await using (var p3 = await ChatProcess.StartAsync("p3", dir, seedHostPort))
            {
                using var client = new ChatClient(p3.Url);
                await Eventually.Until(async () => (await n1.NodeStates()).GetValueOrDefault("p3") == "ACTIVE", TimeSpan.FromSeconds(60), "p3 is ACTIVE in the lobby");
                room = (await n1.CreateRoom("with a process", "alice")).GetProperty("id").GetString()!;
                await Eventually.Until(() => client.IsMember(room), TimeSpan.FromSeconds(60), "p3 joins the room's group");
                before = (await client.Post(room, "pat", "from the process")).GetProperty("id").GetString()!;
                await Eventually.Until(async () => (await cluster.DigestAsync(0, room)).Contains(before), TimeSpan.FromSeconds(60), "n1 delivers p3's post");

                await p3.KillAsync();
                await Eventually.Until(async () => (await n1.NodeStates()).GetValueOrDefault("p3") == "FAILED", TimeSpan.FromSeconds(60), "n1 sees p3 FAILED");
            }
            var missed = (await n1.Post(room, "alice", "while p3 was dead", replyTo: before)).GetProperty("id").GetString()!;

            await using var again = await ChatProcess.StartAsync("p3", dir, seedHostPort);
            using var client2 = new ChatClient(again.Url);
            // Its own post is back from its SQLite file at once; what it missed comes by state transfer.
            var early = (await client2.Messages(room))!.Value.GetProperty("messages");
            Assert.Contains(early.EnumerateArray(), m => m.GetProperty("id").GetString() == before);
            await Eventually.Until(async () =>
            {
                var messages = (await client2.Messages(room))!.Value.GetProperty("messages");
                return messages.EnumerateArray().Any(m => m.GetProperty("id").GetString() == missed);
            }, TimeSpan.FromSeconds(60), "the restarted process gets the post it missed");
        }
        finally
        {
            TestCluster.DeleteDirectory(dir);
        }
    }
}
