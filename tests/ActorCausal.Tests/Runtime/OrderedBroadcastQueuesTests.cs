using ActorCausal.Internal;
using ActorCausal.Protocol;
using Akka.Event;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="OrderedBroadcastQueues{TSender}"/> without an actor system: a member that refuses or accepts as told, senders as strings.</summary>
public sealed class OrderedBroadcastQueuesTests
{
    private readonly Queue<BroadcastReply> _memberAnswers = new();
    private readonly List<object> _tried = new();
    private readonly List<BroadcastReply> _answered = new();
    private readonly OrderedBroadcastQueues<string> _queues;

    public OrderedBroadcastQueuesTests()
    {
        _queues = new("g", NoLogger.Instance, request =>
        {
            _tried.Add(request.Payload);
            return _memberAnswers.TryDequeue(out var reply) ? reply : Sent();
        }, _answered.Add);
    }

    private static BroadcastReply Sent() => BroadcastReply.Sent("g", new MessageId(1, 0, 1));
    private static BroadcastReply BackPressure() => BroadcastReply.Refused("g", RefusalReason.BackPressure, "full");
    private static OrderedBroadcast Ordered(string payload) => new(new Broadcast(payload));

    [Fact]
    public void A_broadcast_the_member_takes_is_answered_at_once()
    {
        Assert.True(_queues.Offer("a", Ordered("x")));

        var (sender, replies) = Assert.Single(_queues.TakeReplies());
        Assert.Equal("a", sender);
        Assert.Equal(BroadcastOutcome.Sent, Assert.Single(replies.Replies).Outcome);
        Assert.False(_queues.HasReplies);
    }

    [Fact]
    public void A_back_pressured_broadcast_waits_with_every_later_one_of_its_sender_and_goes_first()
    {
        _memberAnswers.Enqueue(BackPressure());
        Assert.True(_queues.Offer("a", Ordered("1")));
        Assert.False(_queues.Offer("a", Ordered("2"))); // queued behind "1", not tried
        Assert.True(_queues.Offer("b", Ordered("other sender")));
        Assert.Equal(["1", "other sender"], _tried);
        Assert.Equal(["b"], _queues.TakeReplies().Select(r => r.Sender));

        Assert.False(_queues.Retry(noRoom: () => true));
        Assert.Equal(["1", "other sender"], _tried);

        Assert.True(_queues.Retry(noRoom: () => false));
        Assert.Equal(["1", "other sender", "1", "2"], _tried);
        var (sender, replies) = Assert.Single(_queues.TakeReplies());
        Assert.Equal("a", sender);
        Assert.Equal(2, replies.Replies.Count);
        Assert.False(_queues.Retry(noRoom: () => false)); // nothing left
    }

    [Fact]
    public void A_retry_refused_again_keeps_the_queue_in_order()
    {
        _memberAnswers.Enqueue(BackPressure());
        _queues.Offer("a", Ordered("1"));
        _queues.Offer("a", Ordered("2"));
        _memberAnswers.Enqueue(BackPressure());

        Assert.False(_queues.Retry(noRoom: () => false));
        Assert.True(_queues.Retry(noRoom: () => false));
        Assert.Equal(["1", "1", "1", "2"], _tried);
    }

    [Fact]
    public void A_request_without_broadcast_and_one_past_the_limit_are_refused_and_counted()
    {
        Assert.False(_queues.Offer("a", new OrderedBroadcast(null!)));
        _memberAnswers.Enqueue(BackPressure());
        _queues.Offer("b", Ordered("first"));
        for (var i = 1; i < OrderedBroadcast.MaxQueued; i++) _queues.Offer("b", Ordered("queued"));
        Assert.False(_queues.Offer("b", Ordered("one too many")));

        Assert.Equal(2, _queues.Rejected);
        Assert.All(_answered, r => Assert.Equal(RefusalReason.InvalidRequest, r.Reason));
        Assert.Equal(2, _answered.Count);
    }

    [Fact]
    public void Stopping_refuses_everything_queued_and_dropping_forgets_it_unanswered()
    {
        _memberAnswers.Enqueue(BackPressure());
        _queues.Offer("a", Ordered("1"));
        _queues.Offer("a", Ordered("2"));
        _memberAnswers.Enqueue(BackPressure());
        _queues.Offer("b", Ordered("3"));
        _queues.Drop("b");

        _queues.RefuseAll(new GroupStopped("g", GroupStopReason.Left, "left"));

        var (sender, replies) = Assert.Single(_queues.TakeReplies());
        Assert.Equal("a", sender);
        Assert.Equal([RefusalReason.Stopped, RefusalReason.Stopped], replies.Replies.Select(r => r.Reason));
        Assert.False(_queues.Retry(noRoom: () => false));
    }
}
