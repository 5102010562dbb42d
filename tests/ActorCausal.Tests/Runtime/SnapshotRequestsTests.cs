using System.Collections.Concurrent;
using ActorCausal.Internal;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="SnapshotRequests"/> without an actor system: the stateless answer and the delegate's (the provider actor's is covered by StateHookTests).</summary>
public sealed class SnapshotRequestsTests
{
    private sealed class Inbox : ICanTell
    {
        public readonly BlockingCollection<object> Messages = new();
        public void Tell(object message, IActorRef sender) => Messages.Add(message);
    }

    private readonly Inbox _self = new();
    private readonly List<SnapshotRequest> _asked = new();

    private SnapshotRequests Requests(JoinOptions options, TimeSpan? timeout = null) =>
        new("g", options, ActorRefs.Nobody, timeout ?? TimeSpan.FromSeconds(30), _self, ActorRefs.Nobody, NoLogger.Instance);

    private SnapshotTaken Answer()
    {
        Assert.True(_self.Messages.TryTake(out var message, TimeSpan.FromSeconds(30)), "no SnapshotTaken within 30 s");
        return Assert.IsType<SnapshotTaken>(message);
    }

    [Fact]
    public void A_stateless_member_answers_itself_at_once_with_an_empty_snapshot()
    {
        Requests(new JoinOptions { Stateless = true }).Request(4, deliveredBefore: 10);

        Assert.True(_self.Messages.TryTake(out var message));
        var taken = Assert.IsType<SnapshotTaken>(message);
        Assert.Equal((4L, 0, null), (taken.ViewId, taken.Snapshot.Length, taken.Problem));
    }

    [Fact]
    public void The_delegate_is_asked_with_the_count_delivered_before_and_its_state_comes_back()
    {
        var options = new JoinOptions { TakeSnapshot = request => { _asked.Add(request); return Task.FromResult<ReadOnlyMemory<byte>>(new byte[] { 1, 2, 3 }); } };
        Requests(options).Request(4, deliveredBefore: 10);

        var taken = Answer();
        Assert.Equal((4L, 3, null), (taken.ViewId, taken.Snapshot.Length, taken.Problem));
        var asked = Assert.Single(_asked);
        Assert.Equal(("g", 4L, 10L), (asked.Group, asked.ViewId, asked.DeliveredBefore));
    }

    [Fact]
    public void A_delegate_that_throws_or_never_answers_gives_an_empty_snapshot_with_the_problem_counted_on_receipt()
    {
        var requests = Requests(new JoinOptions { TakeSnapshot = _ => throw new InvalidOperationException("no state here") });
        requests.Request(4, 0);
        var failed = Answer();
        Assert.Equal((0, "no state here"), (failed.Snapshot.Length, failed.Problem));

        var never = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        Requests(new JoinOptions { TakeSnapshot = _ => never.Task }, TimeSpan.FromMilliseconds(50)).Request(5, 0);
        var late = Answer();
        Assert.Equal(5, late.ViewId);
        Assert.NotNull(late.Problem);

        requests.Received(failed);
        requests.Received(new SnapshotTaken(6, new byte[] { 1 }, null));
        Assert.Equal(1, requests.Missing);
    }
}
