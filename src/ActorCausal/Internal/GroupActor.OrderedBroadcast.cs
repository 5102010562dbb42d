using ActorCausal.Metrics;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Internal;

// OrderedBroadcast: a sender's broadcasts refused for a reason a retry cures (BackPressure, NotAMember) wait here, with
// every later one of that sender, and are retried after each batch of effects (the evidence that room may have come:
// acknowledgements and gossip arrived, a view was installed, a tick). Queuing here rather than refusing keeps the
// sender's order when it has many broadcasts in flight: a refused one can never be overtaken by a later one already
// in this mailbox, which a retry by the sender could not prevent.
internal sealed partial class GroupActor
{
    private readonly Dictionary<IActorRef, Queue<Broadcast>> _orderedQueues = new();
    private readonly Dictionary<IActorRef, List<BroadcastReply>> _orderedReplies = new();
    private bool _retryingOrdered;

    /// <summary>Sends the answers collected since it was told: everything that was in the mailbox before it was handled first, so one message carries many answers.</summary>
    private sealed class FlushOrderedReplies
    {
        public static readonly FlushOrderedReplies Instance = new();
    }

    private void OnOrderedMessage(object message)
    {
        switch (message)
        {
            case OrderedBroadcast ordered:
                OnOrderedBroadcast(ordered.Request);
                ProcessEffects();
                break;
            case OrderedBroadcastBatch batch:
                foreach (var request in batch.Requests) OnOrderedBroadcast(request);
                ProcessEffects(); // once for the batch: the effects keep their order
                break;
            case DropOrderedBroadcasts:
                OnDropOrderedBroadcasts();
                break;
            default:
                SendOrderedReplies();
                break;
        }
    }

    private void OnOrderedBroadcast(Broadcast? request)
    {
        if (request is null)
        {
            _inputsRejected++;
            _log.Warning("Group {0}: {1} sent an OrderedBroadcast without a request (refused).", _group, Sender);
            Answer(Sender, BroadcastReply.Refused(_group, RefusalReason.InvalidRequest, "The OrderedBroadcast has no request."));
            return;
        }
        if (_orderedQueues.TryGetValue(Sender, out var queue))
        {
            if (queue.Count >= OrderedBroadcast.MaxQueued)
            {
                _inputsRejected++;
                _log.Warning("Group {0}: {1} has {2} ordered broadcasts queued (limit {3}); refused.", _group, Sender, queue.Count, OrderedBroadcast.MaxQueued);
                Answer(Sender, BroadcastReply.Refused(_group, RefusalReason.InvalidRequest,
                    $"{queue.Count} ordered broadcasts of this sender are queued (limit {OrderedBroadcast.MaxQueued})."));
                return;
            }
            queue.Enqueue(request);
            return;
        }
        var reply = TryBroadcast(request);
        if (IsRetriable(reply))
            _orderedQueues.Add(Sender, new Queue<Broadcast>(new[] { request }));
        else
            Answer(Sender, reply);
    }

    private void OnDropOrderedBroadcasts()
    {
        if (_orderedQueues.Remove(Sender, out var queue) && queue.Count > 0)
            _log.Debug("Group {0}: dropped {1} queued ordered broadcasts of {2}.", _group, queue.Count, Sender);
    }

    /// <summary>Sends what the ordered queues hold while the member takes it; called after each batch of effects.</summary>
    private void RetryOrderedBroadcasts()
    {
        if (_retryingOrdered || _orderedQueues.Count == 0) return;
        var progressed = false;
        _retryingOrdered = true;
        try
        {
            foreach (var (sender, queue) in _orderedQueues)
            {
                while (queue.TryPeek(out var next))
                {
                    // Asked first so that a retry while back-pressured is not counted as a refusal.
                    if (_state == GroupActorState.Member && !_member.HasRoom) break;
                    var reply = TryBroadcast(next);
                    if (IsRetriable(reply)) break;
                    queue.Dequeue();
                    Answer(sender, reply);
                    progressed = true;
                }
            }
            if (progressed) // only a queue that sent something can have emptied
                foreach (var sender in _orderedQueues.Where(q => q.Value.Count == 0).Select(q => q.Key).ToList()) _orderedQueues.Remove(sender);
        }
        finally
        {
            _retryingOrdered = false;
        }
        if (progressed) ProcessEffects();
    }

    /// <summary>The actor stops: whatever is still queued is refused, so no sender waits for an answer that never comes.</summary>
    private void RefuseOrderedBroadcasts(GroupStopped stopped)
    {
        foreach (var (sender, queue) in _orderedQueues)
        {
            foreach (var _ in queue) Answer(sender, BroadcastReply.Refused(_group, RefusalReason.Stopped, $"This member stopped ({stopped.Reason}): {stopped.Detail}"));
        }
        _orderedQueues.Clear();
        SendOrderedReplies();
    }

    private static bool IsRetriable(BroadcastReply reply) =>
        reply.Outcome == BroadcastOutcome.Refused && reply.Reason is RefusalReason.BackPressure or RefusalReason.NotAMember;

    private void Answer(IActorRef sender, BroadcastReply reply)
    {
        if (!reply.Accepted && _settings.MetricsEnabled) CausalMetrics.Refused.Add(1, _tag, new("reason", reply.Reason.ToString()));
        if (_orderedReplies.Count == 0) Self.Tell(FlushOrderedReplies.Instance);
        if (!_orderedReplies.TryGetValue(sender, out var replies)) _orderedReplies.Add(sender, replies = new List<BroadcastReply>());
        replies.Add(reply);
    }

    private void SendOrderedReplies()
    {
        foreach (var (sender, replies) in _orderedReplies) sender.Tell(new OrderedBroadcastReplies(replies));
        _orderedReplies.Clear();
    }
}
