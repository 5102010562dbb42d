using System.Net;
using System.Text.Json;
using ActorCausal;
using GroupChat.Tests.Support;

namespace GroupChat.Tests;

/// <summary>Causal session tokens (README, "Causal sessions") against a node that really lags: its link from the writer is stalled.</summary>
[Collection(ChatClusterCollection.Name)]
public sealed class CausalTokenTests(ChatClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private TestCluster C => fixture.Cluster;

    /// <summary>
    /// n1's and n2's sends to n3 are stalled (the sample's link control, Akka's throttler), so n3 lags behind n1. A client posts at
    /// n1 and moves to n3: without the token n3 answers at once, without the post; with it n3 answers only once it has
    /// the post (it waits, or says 503 with Retry-After and the client retries).
    /// </summary>
    [Fact]
    public async Task With_the_token_a_lagging_node_waits_for_the_post_and_without_it_the_post_is_absent()
    {
        var room = await C.CreateRoomEverywhereAsync("sessions", "alice");
        var (n1, n2, n3) = (C.Clients[0], C.Clients[1], C.Clients[2]);
        // Both links into n3 stall, so no member can repair n3's gap either: n3 has nothing of n1's post until restored.
        await using var stalled = await Links.StallAsync(C, from: 0, to: 2);
        await using var stalledToo = await Links.StallAsync(C, from: 1, to: 2);

        var post = await n1.TryPost(room, "alice", "seen at n1");
        var token = post.Headers.GetValues("X-Causal-Token").Single();
        var id = Id(await ChatClient.Expect(post, HttpStatusCode.Created));
        // n2's link is not stalled: the post spreads there (so the cluster works; only n3 lags).
        await Eventually.Until(async () => Ids(await n2.Messages(room)).Contains(id), TimeSpan.FromSeconds(60), "n2 delivers the post");

        // Without the token: n3 answers at once, from what it has delivered, and the post is not there.
        Assert.DoesNotContain(id, Ids(await n3.Messages(room)));

        // With the token: n3 waits until it has delivered the post (the protocol's gap repair may bring it while the
        // link is stalled), or answers 503 with Retry-After after TokenWait; the client retries as told, and the link is
        // restored after the first 503. Never an answer without the post.
        var read = await n3.Get($"/api/rooms/{room}/messages?after={token}");
        var refusals = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (read.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
        {
            refusals++;
            Assert.NotNull(read.Headers.RetryAfter);
            Assert.Contains("\"error\"", await read.Content.ReadAsStringAsync());
            await stalled.RestoreAsync();
            await stalledToo.RestoreAsync();
            await Task.Delay(read.Headers.RetryAfter!.Delta ?? TimeSpan.FromSeconds(1));
            read = await n3.Get($"/api/rooms/{room}/messages?after={token}");
        }
        Assert.Contains(id, Ids(await ChatClient.Expect(read, HttpStatusCode.OK)));
        output.WriteLine($"the read with the token was answered 503 {refusals} times before it answered with the post");
    }

    [Fact]
    public async Task A_token_naming_more_than_any_node_delivered_gets_503_with_retry_after_and_a_bad_or_foreign_one_400()
    {
        var room = await C.CreateRoomEverywhereAsync("sessions future", "alice");
        var read = await C.Clients[1].Get($"/api/rooms/{room}/messages");
        var now = DeliveryToken.Parse(read.Headers.GetValues("X-Causal-Token").Single());
        Assert.Equal(now.ToString(), (await ChatClient.Expect(read, HttpStatusCode.OK)).GetProperty("token").GetString());
        // The same view and membership, a thousand more messages from each member than anyone sent.
        var future = $"{DeliveryToken.Prefix}:{now.ViewId}:{now.ViewFingerprint:x8}:{string.Join(',', now.Delivered.Select(d => d + 1000))}:{Uri.EscapeDataString(now.Group)}";
        var waited = await C.Clients[1].Get($"/api/rooms/{room}/messages?after={Uri.EscapeDataString(future)}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
        Assert.NotNull(waited.Headers.RetryAfter);

        Assert.Equal(HttpStatusCode.BadRequest, (await C.Clients[1].Get($"/api/rooms/{room}/messages?after=not-a-token")).StatusCode);
        var otherRoom = await C.CreateRoomEverywhereAsync("sessions other", "alice");
        var foreign = (await C.Clients[1].Get($"/api/rooms/{otherRoom}/messages")).Headers.GetValues("X-Causal-Token").Single();
        Assert.Equal(HttpStatusCode.BadRequest, (await C.Clients[1].Get($"/api/rooms/{room}/messages?after={Uri.EscapeDataString(foreign)}")).StatusCode);
    }

    private static string Id(JsonElement e) => e.GetProperty("id").GetString()!;

    private static HashSet<string> Ids(JsonElement? body) =>
        body!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToHashSet();
}
