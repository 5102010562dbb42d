using System.Collections.Immutable;
using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Tests;

/// <summary>The delivery token's string form, its merge, and how a delivered position judges it (no cluster).</summary>
public sealed class DeliveryTokenTests
{
    private static readonly GroupView View3 = new(3, [new MemberId("akka.tcp://s@127.0.0.1:1", 1), new MemberId("akka.tcp://s@127.0.0.1:2", 2), new MemberId("akka.tcp://s@127.0.0.1:3", 3)]);
    private static readonly GroupView OtherView3 = new(3, [new MemberId("akka.tcp://s@127.0.0.1:1", 1), new MemberId("akka.tcp://s@127.0.0.1:9", 9), new MemberId("akka.tcp://s@127.0.0.1:3", 3)]);

    [Fact]
    public void A_token_round_trips_through_its_header_safe_string()
    {
        var token = DeliveryToken.Of("room: lobby/1", View3, [4, 0, 17]);
        var text = token.ToString();

        Assert.StartsWith("dt1:3:", text);
        Assert.All(text, c => Assert.True(c is > ' ' and < (char)127, $"'{c}' is not a visible ASCII character"));
        var parsed = DeliveryToken.Parse(text);
        Assert.Equal(token, parsed);
        Assert.Equal("room: lobby/1", parsed.Group);
        Assert.Equal(new long[] { 4, 0, 17 }, parsed.Delivered.ToArray());
        Assert.Equal(DeliveryToken.Nothing("g"), DeliveryToken.Parse(DeliveryToken.Nothing("g").ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("hello", "does not start with 'dt1:'")]
    [InlineData("dt1:3:0badf00d:1,2", "not 5")]
    [InlineData("dt1:x:0badf00d:1,2:g", "view id 'x'")]
    [InlineData("dt1:-3:0badf00d:1,2:g", "view id '-3'")]
    [InlineData("dt1:3:bad:1,2:g", "fingerprint 'bad'")]
    [InlineData("dt1:3:0badf00d:1,,2:g", "entry ''")]
    [InlineData("dt1:3:0badf00d:1,-2:g", "entry '-2'")]
    [InlineData("dt1:3:0badf00d::g", "no entries")]
    [InlineData("dt1:3:0badf00d:1,2:", "names no group")]
    [InlineData("dt1:0:00000000:1:g", "view 0")]
    public void A_malformed_token_is_refused_with_what_is_wrong(string text, string expected)
    {
        Assert.False(DeliveryToken.TryParse(text, out var token, out var error));
        Assert.True(token.IsDefault);
        Assert.Contains(expected, error);
        var thrown = Assert.Throws<FormatException>(() => DeliveryToken.Parse(text));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Merging_takes_the_entrywise_maximum_in_one_view_and_the_later_view_otherwise()
    {
        var a = DeliveryToken.Of("g", View3, [4, 0, 1]);
        var b = DeliveryToken.Of("g", View3, [2, 5, 1]);
        Assert.Equal(new long[] { 4, 5, 1 }, DeliveryToken.Merge(a, b).Delivered.ToArray());
        var later = DeliveryToken.Of("g", new GroupView(4, View3.Members), [0, 0, 0]);
        Assert.Equal(later, DeliveryToken.Merge(a, later));
        Assert.Throws<ArgumentException>(() => DeliveryToken.Merge(a, DeliveryToken.Of("h", View3, [1, 1, 1])));
        Assert.Throws<ArgumentException>(() => DeliveryToken.Merge(a, DeliveryToken.Of("g", OtherView3, [1, 1, 1])));
    }

    [Fact]
    public void A_position_reaches_passes_waits_for_or_refuses_a_token()
    {
        var position = DeliveryToken.Of("g", View3, [4, 2, 7]);
        Assert.Equal(DeliveryWaitOutcome.Reached, DeliveryTokenJudge.Judge("g", DeliveryToken.Of("g", View3, [4, 2, 7]), position).Outcome);
        Assert.Null(DeliveryTokenJudge.Judge("g", DeliveryToken.Of("g", View3, [4, 3, 0]), position).Outcome);
        Assert.Equal(DeliveryWaitOutcome.ViewPassed, DeliveryTokenJudge.Judge("g", DeliveryToken.Of("g", new GroupView(2, View3.Members), [9, 9, 9]), position).Outcome);
        Assert.Null(DeliveryTokenJudge.Judge("g", DeliveryToken.Of("g", new GroupView(4, View3.Members), [0, 0, 0]), position).Outcome);
        Assert.Equal(DeliveryWaitOutcome.ViewMismatch, DeliveryTokenJudge.Judge("g", DeliveryToken.Of("g", OtherView3, [0, 0, 0]), position).Outcome);
        Assert.Equal(DeliveryWaitOutcome.WrongGroup, DeliveryTokenJudge.Judge("g", DeliveryToken.Of("h", View3, [0, 0, 0]), position).Outcome);
        Assert.Equal(DeliveryWaitOutcome.Reached, DeliveryTokenJudge.Judge("g", DeliveryToken.Nothing("g"), DeliveryToken.Nothing("g")).Outcome);
    }

    [Fact]
    public async Task A_wait_ends_when_the_position_passes_the_token_at_its_timeout_or_when_the_member_stops()
    {
        var waiters = new DeliveryWaiters();
        var token = DeliveryToken.Of("g", View3, [1, 0, 0]);
        var reached = waiters.Wait("g", token, TimeSpan.FromMinutes(5), CancellationToken.None);
        var stopped = waiters.Wait("g", DeliveryToken.Of("g", View3, [9, 0, 0]), TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(reached.IsCompleted);

        waiters.Publish(DeliveryToken.Of("g", View3, [1, 0, 0]));
        Assert.Equal(DeliveryWaitOutcome.Reached, (await reached.WaitAsync(TimeSpan.FromSeconds(30))).Outcome);
        Assert.False(stopped.IsCompleted);

        var timedOut = await waiters.Wait("g", DeliveryToken.Of("g", View3, [2, 0, 0]), TimeSpan.FromMilliseconds(50), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DeliveryWaitOutcome.TimedOut, timedOut.Outcome);
        Assert.Equal(new long[] { 1, 0, 0 }, timedOut.Position.Delivered.ToArray());

        waiters.Stop("Left: the application asked to leave");
        var result = await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(DeliveryWaitOutcome.Stopped, result.Outcome);
        Assert.Contains("asked to leave", result.Detail);
        // After the stop, a token the last position passed is still reached; any other is refused at once.
        Assert.Equal(DeliveryWaitOutcome.Reached, (await waiters.Wait("g", token, TimeSpan.FromMinutes(5), CancellationToken.None)).Outcome);
        Assert.Equal(DeliveryWaitOutcome.Stopped, (await waiters.Wait("g", DeliveryToken.Of("g", View3, [3, 0, 0]), TimeSpan.FromMinutes(5), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_leaves_no_waiter_behind()
    {
        var waiters = new DeliveryWaiters();
        using var cts = new CancellationTokenSource();
        var wait = waiters.Wait("g", DeliveryToken.Of("g", View3, [1, 0, 0]), TimeSpan.FromMinutes(5), cts.Token);
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
