using System.Collections.Immutable;
using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Tests;

/// <summary>The causal token's string form, its merge, and how a delivered position judges it (no cluster).</summary>
public sealed class CausalTokenTests
{
    private static readonly GroupView View3 = new(3, [new MemberId("akka.tcp://s@127.0.0.1:1", 1), new MemberId("akka.tcp://s@127.0.0.1:2", 2), new MemberId("akka.tcp://s@127.0.0.1:3", 3)]);
    private static readonly GroupView OtherView3 = new(3, [new MemberId("akka.tcp://s@127.0.0.1:1", 1), new MemberId("akka.tcp://s@127.0.0.1:9", 9), new MemberId("akka.tcp://s@127.0.0.1:3", 3)]);

    [Fact]
    public void A_token_round_trips_through_its_header_safe_string()
    {
        var token = CausalToken.Of("room: lobby/1", View3, [4, 0, 17]);
        var text = token.ToString();

        Assert.StartsWith("ct1:3:", text);
        Assert.All(text, c => Assert.True(c is > ' ' and < (char)127, $"'{c}' is not a visible ASCII character"));
        var parsed = CausalToken.Parse(text);
        Assert.Equal(token, parsed);
        Assert.Equal("room: lobby/1", parsed.Group);
        Assert.Equal(new long[] { 4, 0, 17 }, parsed.Delivered.ToArray());
        Assert.Equal(CausalToken.Nothing("g"), CausalToken.Parse(CausalToken.Nothing("g").ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "does not start with 'ct1:'")]
    [InlineData("ct1:3:0badf00d:1,2", "not 5")]
    [InlineData("ct1:x:0badf00d:1,2:g", "view id 'x'")]
    [InlineData("ct1:-3:0badf00d:1,2:g", "view id '-3'")]
    [InlineData("ct1:3:bad:1,2:g", "fingerprint 'bad'")]
    [InlineData("ct1:3:0badf00d:1,,2:g", "entry ''")]
    [InlineData("ct1:3:0badf00d:1,-2:g", "entry '-2'")]
    [InlineData("ct1:3:0badf00d::g", "no entries")]
    [InlineData("ct1:3:0badf00d:1,2:", "names no group")]
    [InlineData("ct1:0:00000000:1:g", "view 0")]
    public void A_malformed_token_is_refused_with_what_is_wrong(string text, string expected)
    {
        Assert.False(CausalToken.TryParse(text, out var token, out var error));
        Assert.True(token.IsDefault);
        Assert.Contains(expected, error);
        var thrown = Assert.Throws<FormatException>(() => CausalToken.Parse(text));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Merging_takes_the_entrywise_maximum_in_one_view_and_the_later_view_otherwise()
    {
        var a = CausalToken.Of("g", View3, [4, 0, 1]);
        var b = CausalToken.Of("g", View3, [2, 5, 1]);
        Assert.Equal(new long[] { 4, 5, 1 }, CausalToken.Merge(a, b).Delivered.ToArray());
        var later = CausalToken.Of("g", new GroupView(4, View3.Members), [0, 0, 0]);
        Assert.Equal(later, CausalToken.Merge(a, later));
        Assert.Throws<ArgumentException>(() => CausalToken.Merge(a, CausalToken.Of("h", View3, [1, 1, 1])));
        Assert.Throws<ArgumentException>(() => CausalToken.Merge(a, CausalToken.Of("g", OtherView3, [1, 1, 1])));
    }

    [Fact]
    public void A_position_reaches_passes_waits_for_or_refuses_a_token()
    {
        var position = CausalToken.Of("g", View3, [4, 2, 7]);
        Assert.Equal(CausalWaitOutcome.Reached, CausalTokenJudge.Judge("g", CausalToken.Of("g", View3, [4, 2, 7]), position).Outcome);
        Assert.Null(CausalTokenJudge.Judge("g", CausalToken.Of("g", View3, [4, 3, 0]), position).Outcome);
        Assert.Equal(CausalWaitOutcome.ViewPassed, CausalTokenJudge.Judge("g", CausalToken.Of("g", new GroupView(2, View3.Members), [9, 9, 9]), position).Outcome);
        Assert.Null(CausalTokenJudge.Judge("g", CausalToken.Of("g", new GroupView(4, View3.Members), [0, 0, 0]), position).Outcome);
        Assert.Equal(CausalWaitOutcome.ViewMismatch, CausalTokenJudge.Judge("g", CausalToken.Of("g", OtherView3, [0, 0, 0]), position).Outcome);
        Assert.Equal(CausalWaitOutcome.WrongGroup, CausalTokenJudge.Judge("g", CausalToken.Of("h", View3, [0, 0, 0]), position).Outcome);
        Assert.Equal(CausalWaitOutcome.Reached, CausalTokenJudge.Judge("g", CausalToken.Nothing("g"), CausalToken.Nothing("g")).Outcome);
    }

    [Fact]
    public async Task A_wait_ends_when_the_position_passes_the_token_at_its_timeout_or_when_the_member_stops()
    {
        var waiters = new DeliveryWaiters();
        var token = CausalToken.Of("g", View3, [1, 0, 0]);
        var reached = waiters.Wait("g", token, TimeSpan.FromMinutes(5), CancellationToken.None);
        var stopped = waiters.Wait("g", CausalToken.Of("g", View3, [9, 0, 0]), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(reached.IsCompleted);

        waiters.Publish(CausalToken.Of("g", View3, [1, 0, 0]));
        Assert.Equal(CausalWaitOutcome.Reached, (await reached.WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
        Assert.False(stopped.IsCompleted);

        var timedOut = await waiters.Wait("g", CausalToken.Of("g", View3, [2, 0, 0]), TimeSpan.FromMilliseconds(50), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CausalWaitOutcome.TimedOut, timedOut.Outcome);
        Assert.Equal(new long[] { 1, 0, 0 }, timedOut.Position.Delivered.ToArray());

        waiters.Stop("Left: the application asked to leave");
        var result = await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CausalWaitOutcome.Stopped, result.Outcome);
        Assert.Contains("asked to leave", result.Detail);
        // After the stop, a token the last position passed is still reached; any other is refused at once.
        Assert.Equal(CausalWaitOutcome.Reached, (await waiters.Wait("g", token, TimeSpan.FromMinutes(5), CancellationToken.None)).Outcome);
        Assert.Equal(CausalWaitOutcome.Stopped, (await waiters.Wait("g", CausalToken.Of("g", View3, [3, 0, 0]), TimeSpan.FromMinutes(5), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_leaves_no_waiter_behind()
    {
        var waiters = new DeliveryWaiters();
        using var cts = new CancellationTokenSource();
        var wait = waiters.Wait("g", CausalToken.Of("g", View3, [1, 0, 0]), TimeSpan.FromMinutes(5), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Subscriber_messages_print_their_member_lists_readably()
    {
        var a = View3.Members[0];
        var b = View3.Members[1];
        var text = new ViewChanged("g", View3, [b], [a]).ToString();
        Assert.Equal($"ViewChanged {{ Group = g, View = {View3}, Joined = [{b}], Left = [{a}] }}", text);
        Assert.DoesNotContain("ImmutableArray", new Broadcast("x", DeliveryOrder.Explicit, [new MessageId(3, 1, 2)]).ToString());
        Assert.Contains("DependsOn = [3.1.2]", new Broadcast("x", DeliveryOrder.Explicit, [new MessageId(3, 1, 2)]).ToString());
        Assert.Contains("Snapshot = 4 bytes", new InstallSnapshot("g", 3, new byte[4]).ToString());
    }
}
