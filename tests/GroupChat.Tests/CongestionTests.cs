using System.Net;
using System.Text.Json;
using GroupChat.Tests.Support;
using Xunit.Abstractions;

namespace GroupChat.Tests;

/// <summary>
/// README, "When a node lags": a post the room's group refuses for back-pressure (too many of this node's events not yet
/// held by every node) waits and is sent once the group has room, instead of failing.
/// </summary>
public sealed class CongestionTests(ITestOutputHelper output)
{
    private const int Posts = 30;

    [Fact]
    public async Task Posts_refused_for_back_pressure_wait_and_all_go_through_once_the_lagging_node_catches_up()
    {
        // A bound of 8 unstable events per node: n3 hears nothing while its links are stalled, so n1's ninth post is refused.
        await using var cluster = await TestCluster.StartAsync(3, TestCluster.NoDowning + "\nactorcausal.protocol.max-unstable = 8");
        var room = await cluster.CreateRoomEverywhereAsync("congested", "alice");
        var n1 = cluster.Clients[0];
        await using var stalled = await Links.StallAsync(cluster, from: 0, to: 2);
        await using var stalledToo = await Links.StallAsync(cluster, from: 1, to: 2);

        var posts = Enumerable.Range(0, Posts).Select(i => n1.TryPost(room, "alice", $"post {i}")).ToList();
        await Eventually.Until(() => Task.FromResult(posts.Any(p => p.IsCompleted)), TimeSpan.FromSeconds(60), "the first posts are answered");
        // Time for a refusal to surface as an answer, were refused posts answered at once.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var answered = posts.Where(p => p.IsCompleted).ToList();
        output.WriteLine($"{answered.Count} of {Posts} answered while n3 was stalled");
        foreach (var early in answered) await ChatClient.Expect(await early, HttpStatusCode.Created);
        Assert.True(answered.Count < Posts, "the bound of 8 held some posts back while n3 was stalled");

        await stalled.RestoreAsync();
        await stalledToo.RestoreAsync();
        var ids = new List<string>();
        foreach (var post in posts) ids.Add((await ChatClient.Expect(await post.WaitAsync(TimeSpan.FromSeconds(60)), HttpStatusCode.Created)).GetProperty("id").GetString()!);
        Assert.Equal(Posts, ids.Distinct().Count());

        foreach (var client in cluster.Clients)
            await Eventually.Until(async () => ids.All(Ids(await client.Messages(room)).Contains), TimeSpan.FromSeconds(60), "every node has every post");
    }

    private static HashSet<string> Ids(JsonElement? body) =>
        body is null ? [] : body.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToHashSet();
}
