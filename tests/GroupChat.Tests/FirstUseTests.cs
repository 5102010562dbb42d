using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GroupChat.Model;
using GroupChat.Tests.Support;

namespace GroupChat.Tests;

/// <summary>What a new user ran into first (issue 15): each fixed, each held by a test.</summary>
[Collection(ChatClusterCollection.Name)]
public sealed class FirstUseTests(ChatClusterFixture fixture)
{
    private TestCluster C => fixture.Cluster;

    /// <summary>
    /// A question at n1, its answer at n2 right after, while n1's link to n2 is stalled so that n2 does not have the
    /// question yet: the reply waits for its parent (as <c>?after=</c> does) instead of answering 404.
    /// </summary>
    [Fact]
    public async Task A_reply_posted_at_another_node_right_after_its_question_waits_for_the_question()
    {
        var room = await C.CreateRoomEverywhereAsync("quick answers", "alice");
        var (n1, n2) = (C.Clients[0], C.Clients[1]);
        await using var stalled = await Links.StallAsync(C, from: 0, to: 1);
        await using var stalledToo = await Links.StallAsync(C, from: 2, to: 1); // no repair from n3 either
        var question = (await n1.Post(room, "alice", "Who has the keys?")).GetProperty("id").GetString()!;
        var atN2 = (await n2.Messages(room))!.Value.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(question, atN2); // n2 really lags: without the wait this reply would be a 404

        var replying = n2.TryPost(room, "bob", "I do", replyTo: question);
        await Task.WhenAny(replying, Task.Delay(TimeSpan.FromSeconds(2))); // let it arrive and wait; then restore the link
        await stalled.RestoreAsync();
        await stalledToo.RestoreAsync();
        var reply = await ChatClient.Expect(await replying, HttpStatusCode.Created);
        Assert.Equal(question, reply.GetProperty("replyTo").GetString());
        await C.ConvergedDigestAsync(room, d => d.Contains($"reply={question}"));
    }

    /// <summary>
    /// A reply naming an id that cannot come (an origin no node of the room sends as, a sequence this node has not given
    /// out, no event id at all) is refused with a 404 that says why, without waiting for the event as a reply to a
    /// lagging parent does.
    /// </summary>
    [Fact]
    public async Task A_reply_to_an_id_that_can_never_arrive_is_refused_saying_why()
    {
        var room = await C.CreateRoomEverywhereAsync("no such parent", "alice");
        var n1 = C.Clients[0];
        var own = (await n1.Post(room, "alice", "hello")).GetProperty("id").GetString()!;
        Assert.True(EventIds.TryParse(own, out var origin, out var sequence));
        foreach (var (replyTo, why) in new[]
                 {
                     ("nope.9", "It never will be: no node of this room sends as nope."),
                     (EventIds.Make(origin, sequence + 1000), $"It never will be: this node has sent no event {EventIds.Make(origin, sequence + 1000)}"),
                     ("not-an-id", "It never will be: not-an-id is not an event id"),
                 })
        {
            var refused = await n1.TryPost(room, "alice", "what about it?", replyTo);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.Contains($"has no message {replyTo} to reply to.", text);
            Assert.Contains(why, text);
        }
    }

    [Theory]
    [InlineData(1, """{"R":"x","S":5}""")]
    [InlineData(2, """{"R":"x","S":{"a":"b"}}""")]
    [InlineData(3, "not base64 at all!")]
    public async Task A_malformed_causal_token_gets_an_error_that_names_no_dotnet_type(int n, string token)
    {
        var room = await C.CreateRoomEverywhereAsync($"tokens {n}", "alice");
        var encoded = token.StartsWith('{') ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)).TrimEnd('=').Replace('+', '-').Replace('/', '_') : Uri.EscapeDataString(token);
        var error = await BadRequestNamingNoDotnetType(await C.Clients[0].Get($"/api/rooms/{room}/messages?after={encoded}"));
        Assert.Contains("'after' is not a causal token", error);
        Assert.Contains("X-Causal-Token", error);
    }

    private static async Task<string> BadRequestNamingNoDotnetType(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()!;
        foreach (var dotnet in new[] { "GroupChat.", "System.", "+", "`" }) Assert.DoesNotContain(dotnet, error);
        return error;
    }

    [Fact]
    public async Task Four_thousand_emoji_are_four_thousand_characters()
    {
        var room = await C.CreateRoomEverywhereAsync("emoji", "alice");
        var text = string.Concat(Enumerable.Repeat("👍", ChatLimits.MaxTextLength)); // 8,000 UTF-16 units
        var posted = await C.Clients[0].Post(room, "alice", text);
        Assert.Equal(text, posted.GetProperty("text").GetString());
        var tooLong = await C.Clients[0].TryPost(room, "alice", text + "🎉");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains($"this one has {ChatLimits.MaxTextLength + 1}", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task View_ids_are_json_strings_with_every_digit()
    {
        var room = await C.CreateRoomEverywhereAsync("big ids", "alice");
        await C.Clients[0].Post(room, "alice", "hello");
        var messages = (await C.Clients[0].Messages(room))!.Value.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("wire").GetString()!.Contains('.')).ToList();
        Assert.NotEmpty(messages);
        foreach (var m in messages)
        {
            var viewId = m.GetProperty("viewId");
            Assert.Equal(JsonValueKind.String, viewId.ValueKind);
            Assert.Equal(m.GetProperty("wire").GetString()!.Split('.')[0], viewId.GetString());
        }
        var causality = await ChatClient.Expect(await C.Clients[0].Get($"/api/causality?room={room}"), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, causality.GetProperty("rooms")[0].GetProperty("viewId").ValueKind);
    }

    [Theory]
    [InlineData(1, "[1,2]")]
    [InlineData(2, "{not json")]
    [InlineData(3, """{"author": 5, "text": "hi"}""")]
    [InlineData(4, """{"author": "bob", "text": ["hi"]}""")]
    [InlineData(5, "null")]
    public async Task Malformed_bodies_get_errors_that_say_what_to_send_and_name_no_dotnet_type(int n, string body)
    {
        var room = await C.CreateRoomEverywhereAsync($"errors {n}", "alice");
        var error = await BadRequestNamingNoDotnetType(await C.Clients[0].Send(new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room}/messages")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        }));
        Assert.Contains("\"author\"", error);
    }
}
