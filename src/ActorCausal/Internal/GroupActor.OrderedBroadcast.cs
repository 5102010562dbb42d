using ActorCausal.Metrics;
using Akka.Actor;
using static ActorCausal.Internal.GroupActorMarkers;

namespace ActorCausal.Internal;

// OrderedBroadcast: the queues and their answers are OrderedBroadcastQueues'; this actor feeds it the requests, retries
// after each batch of effects, and sends the collected answers when FlushOrderedReplies comes back through the mailbox.
internal sealed partial class GroupActor
{
    private readonly OrderedBroadcastQueues<IActorRef> _orderedQueues;

    private OrderedBroadcastQueues<IActorRef> NewOrderedQueues() => new(_group, _log, TryBroadcast, reply =>
    {
        if (!reply.Accepted && _settings.MetricsEnabled) CausalMetrics.Refused.Add(1, _tag, new("reason", reply.Reason.ToString()));
        if (!_orderedQueues.HasReplies) Self.Tell(FlushOrderedReplies.Instance);
    });

    private void OnOrderedMessage(object message)
    {
        switch (message)
        {
            case OrderedBroadcast ordered:
                if (_orderedQueues.Offer(Sender, ordered.Request)) ProcessEffects();
                break;
            case OrderedBroadcastBatch batch:
                var tried = false;
                foreach (var request in batch.Requests) tried |= _orderedQueues.Offer(Sender, request);
                if (tried) ProcessEffects(); // once for the batch: the effects keep their order
                break;
            case DropOrderedBroadcasts:
                _orderedQueues.Drop(Sender);
                break;
            default:
                SendOrderedReplies();
                break;
        }
    }

    /// <summary>Sends what the ordered queues hold while the member takes it; called after each batch of effects.</summary>
    private void RetryOrderedBroadcasts()
    {
        if (_orderedQueues.Retry(() => _state == GroupActorState.Member && !_member.HasRoom)) ProcessEffects();
    }

    /// <summary>The actor stops: whatever is still queued is refused, so no sender waits for an answer that never comes.</summary>
    private void RefuseOrderedBroadcasts(GroupStopped stopped)
    {
        _orderedQueues.RefuseAll(stopped);
        SendOrderedReplies();
    }

    private void SendOrderedReplies()
    {
        foreach (var (sender, replies) in _orderedQueues.TakeReplies()) sender.Tell(replies);
    }
}
