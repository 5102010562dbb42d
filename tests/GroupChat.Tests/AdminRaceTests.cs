using System.Net;
using System.Text.Json;
using GroupChat.Tests.Support;
using Xunit.Abstractions;

namespace GroupChat.Tests;

/// <summary>
/// README, "Admin actions and races": a removed person's post stands if and only if her node had not delivered the
/// removal when she sent it. Both outcomes are forced (a stalled link from the admin's node to mallory's, or waiting
/// until mallory's node has the removal), then raced over seeded runs; every outcome is checked against the rule through
/// the API's protocol fields (the removal's wire id against the post's vector clock and dependencies).
/// </summary>
[Collection(ChatClusterCollection.Name)]
public sealed class AdminRaceTests(ChatClusterFixture fixture, ITestOutputHelper output)
{
    private TestCluster C => fixture.Cluster;

    private enum Force { Concurrent, RemovalFirst, Race }

    [Fact]
    public async Task A_removal_racing_the_removed_persons_post_goes_both_ways_by_the_rule_and_ends_in_one_state_everywhere()
    {
        var outcomes = new List<bool>();
        outcomes.Add(await Run(1, Force.Concurrent));
        Assert.True(outcomes[^1], "with the admin's link to mallory's node stalled, her post is accepted");
        outcomes.Add(await Run(2, Force.RemovalFirst));
        Assert.False(outcomes[^1], "once her node delivered the removal, her post is refused");
        for (var seed = 3; seed <= 8; seed++) outcomes.Add(await Run(seed, Force.Race));
        output.WriteLine($"accepted: {string.Join(" ", outcomes.Select(o => o ? "yes" : "no"))}");
        Assert.Contains(true, outcomes);
        Assert.Contains(false, outcomes);
    }

    /// <summary>One race in a new room; returns whether mallory's post was accepted.</summary>
    private async Task<bool> Run(int seed, Force force)
    {
        var n = C.Clients.Count;
        var random = new Random(seed);
        var adminAt = random.Next(n);
        var malloryAt = (adminAt + 1 + random.Next(n - 1)) % n;
        var (admin, mallory) = (C.Clients[adminAt], C.Clients[malloryAt]);
        var room = await C.CreateRoomEverywhereAsync($"race {seed}", "alice", creator: adminAt);
        var rules = (await admin.Post(room, "alice", "rules")).GetProperty("id").GetString()!;
        await mallory.Join(room, "mallory");
        await C.ConvergedDigestAsync(room, d => d.Contains("person mallory=Member") && d.Contains(rules));

        HttpResponseMessage removed, posted;
        switch (force)
        {
            case Force.Concurrent:
                await using (var stalled = await Links.StallAsync(C, adminAt, malloryAt))
                {
                    removed = await admin.Remove(room, "alice", "mallory");
                    posted = await mallory.TryPost(room, "mallory", $"spam {seed}");
                    Assert.Equal("Member", await StatusAt(mallory, room, "mallory"));
                }
                break;
            case Force.RemovalFirst:
                removed = await admin.Remove(room, "alice", "mallory");
                await Eventually.Until(async () => await StatusAt(mallory, room, "mallory") == "Removed", TimeSpan.FromSeconds(60), "mallory's node delivers the removal");
                posted = await mallory.TryPost(room, "mallory", $"spam {seed}");
                break;
            default:
                var (removeDelay, postDelay) = (random.Next(15), random.Next(15));
                var remove = Task.Run(async () => { await Task.Delay(removeDelay); return await admin.Remove(room, "alice", "mallory"); });
                var post = Task.Run(async () => { await Task.Delay(postDelay); return await mallory.TryPost(room, "mallory", $"spam {seed}"); });
                (removed, posted) = (await remove, await post);
                break;
        }
        Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        Assert.True(posted.StatusCode is HttpStatusCode.Created or HttpStatusCode.Forbidden, await posted.Content.ReadAsStringAsync());
        var accepted = posted.StatusCode == HttpStatusCode.Created;

        var digest = await C.ConvergedDigestAsync(room, d => d.Contains("person mallory=Removed") && (!accepted || d.Contains($"spam {seed}")));
        Assert.Equal(accepted, digest.Contains($"spam {seed}"));

        // The rule, checked on the protocol's record at every node: an accepted post's causal past excludes the removal.
        if (accepted)
        {
            var spamId = (await ChatClient.Expect(posted, HttpStatusCode.Created)).GetProperty("id").GetString()!;
            for (var i = 0; i < n; i++)
            {
                var messages = (await C.Clients[i].Messages(room))!.Value.GetProperty("messages").EnumerateArray().ToList();
                var removal = messages.Single(m => m.GetProperty("kind").GetString() == "system" && m.GetProperty("text").GetString()!.Contains("removed mallory"));
                var spam = messages.Single(m => m.GetProperty("id").GetString() == spamId);
                Assert.False(InCausalPast(removal, spam), $"n{i + 1}: the accepted post {Describe(spam)} has the removal {Describe(removal)} in its causal past");
            }
        }
        // Once removed, mallory is refused everywhere.
        for (var i = 0; i < n; i++) Assert.Equal(HttpStatusCode.Forbidden, (await C.Clients[i].TryPost(room, "mallory", "let me back")).StatusCode);
        return accepted;
    }

    /// <summary>
    /// Whether <paramref name="earlier"/> (wire id <c>view.sender.sequence</c>) is in the causal past of
    /// <paramref name="later"/>: named in its dependencies, or, in the same view, covered by its vector clock.
    /// A message of an earlier view is in the past of every message of a later one (the view change flushes it).
    /// </summary>
    private static bool InCausalPast(JsonElement earlier, JsonElement later)
    {
        var wire = earlier.GetProperty("wire").GetString()!;
        if (later.GetProperty("deps").EnumerateArray().Any(d => d.GetString() == wire)) return true;
        var parts = wire.Split('.');
        var (view, sender, sequence) = (long.Parse(parts[0]), int.Parse(parts[1]), long.Parse(parts[2]));
        var laterView = long.Parse(later.GetProperty("viewId").GetString()!); // a string: view ids exceed JavaScript's integers
        if (laterView != view) return laterView > view;
        var clock = later.GetProperty("clock").EnumerateArray().Select(c => c.GetInt64()).ToArray();
        return sender < clock.Length && clock[sender] >= sequence;
    }

    private static string Describe(JsonElement m) =>
        $"{m.GetProperty("id")} (wire {m.GetProperty("wire")}, view {m.GetProperty("viewId")}, clock {m.GetProperty("clock").GetRawText()}, deps {m.GetProperty("deps").GetRawText()})";

    private static async Task<string?> StatusAt(ChatClient client, string room, string person)
    {
        var body = await client.Messages(room);
        return body!.Value.GetProperty("people").EnumerateArray().FirstOrDefault(p => p.GetProperty("name").GetString() == person) is { ValueKind: JsonValueKind.Object } p
            ? p.GetProperty("status").GetString() : null;
    }
}
