using GroupChat.Bench;
using Xunit.Abstractions;

namespace GroupChat.Tests;

public sealed class LargeHistoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// 10,000 posts (replies and attachment messages among them) through the three nodes' HTTP APIs at once, then a
    /// fourth node joins: the load command's own run, asserted. Every node, the joiner included, ends with the same room
    /// state, and every reply and attachment message after what it depends on.
    /// </summary>
    [Fact]
    public async Task A_node_that_joins_a_room_with_10000_messages_and_attachments_gets_the_same_history()
    {
        var result = await ChatBench.RunAsync(new ChatBench.Options(Posts: 10_000, Concurrency: 32, Attachments: 20, Joiner: true), new StringWriter(), CancellationToken.None);
        output.WriteLine(result.ToString());
        Assert.Equal(10_000, result.Posts);
        Assert.True(result.Consistent, result.ToString());
        Assert.NotNull(result.JoinerSeconds);
        Assert.True(result.JoinerEvents >= 10_020, $"the joiner has {result.JoinerEvents} events");
    }
}
