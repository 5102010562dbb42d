using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;

namespace ActorCausal.Tests;

/// <summary>
/// Calls on a handle whose member left, stopped or was refused at join, and calls during and after actor system
/// shutdown, answer at once with a refusal or a completed result. The ask-timeout here is five minutes and every call
/// is given one: an answer that waited for the timeout would fail the test instead of arriving as an AskTimeoutException.
/// </summary>
public sealed class HandleLifecycleTests
{
    private const string LongAsks = "actorcausal.ask-timeout = 300s\nactorcausal.leave-timeout = 300s";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    private static Task<T> Promptly<T>(Task<T> call) => call.WaitAsync(Prompt);

    [Fact]
    public async Task A_left_handle_and_a_refused_second_join_answer_every_call_with_a_refusal_or_a_result()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "handles", LongAsks);
        var system = nodes[0];
        var groups = CausalGroups.Get(system);
        var subscriber = system.ActorOf(Props.Empty);
        var first = groups.Join("handles", subscriber);
        await RecordedGroup.EventuallyAsync(async () => (await Promptly(first.Status())).State == GroupActorState.Member, Prompt, () => Task.FromResult("founding"));

        // A second Join of the same group on this node is refused; its handle refuses instead of throwing.
        var second = groups.Join("handles", subscriber);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.Ref);
        var refused = await Promptly(second.Broadcast("x"));
        Assert.Equal(RefusalReason.NotJoined, refused.Reason);
        Assert.Equal(GroupActorState.Stopped, (await Promptly(second.Status())).State);
        Assert.Contains("Never joined", (await Promptly(second.Leave())).Detail);

        // The first handle is unaffected; after it leaves, every call answers from the final state.
        Assert.Equal(BroadcastOutcome.Sent, (await Promptly(first.Broadcast("before leaving"))).Outcome);
        var left = await Promptly(first.Leave());
        Assert.Equal(GroupStopReason.Left, left.Reason);
        var afterLeave = await Promptly(first.Broadcast("after leaving"));
        Assert.Equal(RefusalReason.Stopped, afterLeave.Reason);
        var final = await Promptly(first.Status());
        Assert.Equal(GroupActorState.Stopped, final.State);
        Assert.True(final.Protocol.Delivered >= 1, "the final status keeps the counters");
        Assert.Equal(left, await Promptly(first.Leave()));
    }

    [Fact]
    public async Task Calls_during_and_after_actor_system_shutdown_answer_without_waiting_for_the_ask_timeout()
    {
        await using var nodes = await ClusterNodes.StartAsync(1, "shutdown", LongAsks);
        var system = nodes[0];
        var group = CausalGroups.Get(system).Join("shutdown", system.ActorOf(Props.Empty));
        await RecordedGroup.EventuallyAsync(async () => (await Promptly(group.Status())).State == GroupActorState.Member, Prompt, () => Task.FromResult("founding"));

        var terminating = system.Terminate();
        var during = Enumerable.Range(0, 50).Select(i => group.Broadcast($"during {i}")).ToList();
        var statusDuring = group.Status();
        await terminating.WaitAsync(Prompt);
        var replies = await Task.WhenAll(during).WaitAsync(Prompt);
        Assert.All(replies, r => Assert.True(r.Outcome is BroadcastOutcome.Sent or BroadcastOutcome.Refused, r.ToString()));
        Assert.True((await Promptly(statusDuring)).State is GroupActorState.Member or GroupActorState.Stopped);

        var after = await Promptly(group.Broadcast("after"));
        Assert.Equal(RefusalReason.Stopped, after.Reason);
        Assert.Equal(GroupActorState.Stopped, (await Promptly(group.Status())).State);
        // Leave answers with the stop the member already had (the same one the refusal names), not a new leave.
        var left = await Promptly(group.Leave());
        Assert.Equal("shutdown", left.Group);
        Assert.True(left.Reason is GroupStopReason.Left or GroupStopReason.Failed, $"a shutdown is no removal by the group: {left}");
        Assert.False(string.IsNullOrWhiteSpace(left.Detail));
        Assert.Equal($"This member stopped ({left.Reason}): {left.Detail}", after.Detail);
        Assert.Equal(left, await Promptly(group.Leave()));
        var late = CausalGroups.Get(system).Join("late", ActorRefs.Nobody);
        Assert.Equal(RefusalReason.NotJoined, (await Promptly(late.Broadcast("x"))).Reason);
    }
}
