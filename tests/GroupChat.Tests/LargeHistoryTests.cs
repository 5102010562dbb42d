using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using GroupChat.Bench;
using GroupChat.Model;
using GroupChat.Tests.Support;
using Xunit.Abstractions;

namespace GroupChat.Tests;

public sealed class LargeHistoryTests(ITestOutputHelper output)
{
    private const int Posts = 10_000;
    private const int Attachments = 20;

    /// <summary>
    /// 10,000 posts (replies and attachment messages among them) through the three nodes' HTTP APIs at once, then a
    /// fourth node joins: the load command's own run, checked here on every node's log (the joiner's too), not on the
    /// bench's own verdict: every post and file on every node once, the chat's causal promises in each delivery order,
    /// and the same events everywhere (a digest this test computes).
    /// </summary>
    [Fact]
    public async Task A_node_that_joins_a_room_with_10000_messages_and_attachments_gets_the_same_history()
    {
        var result = await ChatBench.RunAsync(new ChatBench.Options(Posts, Concurrency: 32, Attachments, Joiner: true, KeepLogs: true), new StringWriter(), CancellationToken.None);
        output.WriteLine(result.ToString());
        Assert.Equal(Posts, result.Posts);
        Assert.NotNull(result.JoinerSeconds);
        Assert.NotNull(result.Logs);
        Assert.Equal(["n1", "n2", "n3", "joiner"], result.Logs.Select(l => l.Node));

        var digests = new List<string>();
        foreach (var (node, log) in result.Logs)
        {
            var events = log.Where(e => e.Event is not null).ToList();
            Assert.True(events.Select(e => e.Id).Distinct().Count() == events.Count, $"{node} delivered an event twice");
            var posted = events.Select(e => e.Event).OfType<Posted>().Where(p => p.Text.StartsWith("post ", StringComparison.Ordinal)).ToList();
            Assert.True(posted.Count == Posts, $"{node} has {posted.Count} of the {Posts} posts");
            Assert.Equal(Enumerable.Range(0, Posts).Select(i => $"post {i}").Order(StringComparer.Ordinal), posted.Select(p => p.Text).Order(StringComparer.Ordinal));
            Assert.True(posted.Count(p => p.ReplyTo is not null) > Posts / 10, $"{node}: the replies are there");
            Assert.True(posted.Count(p => p.Attachment is not null) > Posts / 20, $"{node}: the messages showing a file are there");
            Assert.Equal(Attachments, events.Count(e => e.Event is AttachmentUploaded));
            Assert.Empty(OrderChecks.Violations(node, log));
            digests.Add(Digest(events.Select(e => e.Event!)));
        }
        output.WriteLine($"event digest {digests[0]}");
        Assert.All(digests, d => Assert.Equal(digests[0], d));
    }

    /// <summary>The events themselves, by id (concurrent events may arrive in different orders at different nodes).</summary>
    private static string Digest(IEnumerable<ChatEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events.OrderBy(e => e.Id, StringComparer.Ordinal)) text.Append(JsonSerializer.Serialize(e)).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
