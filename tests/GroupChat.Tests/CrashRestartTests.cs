using System.Net.Http.Json;
using GroupChat.Tests.Support;

namespace GroupChat.Tests;

/// <summary>The page's crash and restart controls on the in-process cluster, with the split-brain resolver on.</summary>
public sealed class CrashRestartTests
{
    [Fact]
    public async Task A_crashed_node_is_suspected_then_failed_and_after_a_restart_state_transfer_brings_what_it_missed()
    {
        await using var cluster = await TestCluster.StartAsync(3, TestCluster.QuickDowning);
        var room = await cluster.CreateRoomEverywhereAsync("crash", "alice");
        var (n1, n3) = (cluster.Clients[0], cluster.Clients[2]);
        var before = (await n1.Post(room, "alice", "before the crash")).GetProperty("id").GetString();

        var crash = await n1.Send(new HttpRequestMessage(HttpMethod.Post, "/api/control/crash") { Content = JsonContent.Create(new { node = "n3" }) });
        Assert.True(crash.IsSuccessStatusCode, await crash.Content.ReadAsStringAsync());
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await n3.Get($"/api/rooms/{room}/messages")).StatusCode);
        await Eventually.Until(async () => (await n1.NodeStates()).GetValueOrDefault("n3") == "FAILED", TimeSpan.FromSeconds(60), "n1 sees n3 FAILED");
        var during = (await n1.Post(room, "alice", "while n3 is down")).GetProperty("id").GetString()!;
        await Eventually.Until(async () => (await cluster.LogAsync(0, room)).Any(e => e.Local?.Contains("node n3 FAILED") == true),
            TimeSpan.FromSeconds(30), "n1's room notes the view change");

        var restart = await n1.Send(new HttpRequestMessage(HttpMethod.Post, "/api/control/restart") { Content = JsonContent.Create(new { node = "n3" }) });
        Assert.True(restart.IsSuccessStatusCode, await restart.Content.ReadAsStringAsync());
        await Eventually.Until(async () => (await n1.NodeStates()).GetValueOrDefault("n3") == "ACTIVE", TimeSpan.FromSeconds(60), "n3 is ACTIVE again");
        await cluster.ConvergedDigestAsync(room, d => d.Contains(during) && d.Contains(before!));
        var after = (await n3.Post(room, "carol", "back", replyTo: during)).GetProperty("id").GetString()!;
        await cluster.ConvergedDigestAsync(room, d => d.Contains(after));
    }
}
