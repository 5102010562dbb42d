using Akka.Event;

namespace ActorCausal.Internal;

/// <summary>
/// <see cref="OrderedBroadcast"/>: a sender's broadcasts refused for a reason a retry cures (BackPressure, NotAMember)
/// wait here, with every later one of that sender, and are retried after each batch of effects (the evidence that room
/// may have come: acknowledgements and gossip arrived, a view was installed, a tick). Queuing here rather than refusing
/// keeps the sender's order when it has many broadcasts in flight: a refused one can never be overtaken by a later one
/// already in the mailbox, which a retry by the sender could not prevent. The answers are collected per sender and sent
/// together (<see cref="TakeReplies"/>); <paramref name="answered"/> hears each one as it is collected.
/// </summary>
internal sealed class OrderedBroadcastQueues<TSender>(
    string group, ILoggingAdapter log, Func<Broadcast, BroadcastReply> tryBroadcast, Action<BroadcastReply> answered)
    where TSender : notnull
{
    private readonly Dictionary<TSender, Queue<Broadcast>> _queues = new();
    private readonly Dictionary<TSender, List<BroadcastReply>> _replies = new();
    private bool _retrying;

    /// <summary>Requests refused here: without a request, or past <see cref="OrderedBroadcast.MaxQueued"/>.</summary>
    public long Rejected { get; private set; }

    /// <summary>True while answers wait for <see cref="TakeReplies"/>.</summary>
    public bool HasReplies => _replies.Count > 0;

    /// <summary>Sends <paramref name="ordered"/> now, or queues it behind the sender's earlier ones; true when it was tried (its effects are due).</summary>
    public bool Offer(TSender sender, OrderedBroadcast ordered) => Offer(sender, ordered.Request);

    /// <summary>Sends <paramref name="request"/> (one of an <see cref="OrderedBroadcast"/> or of a batch) now, or queues it behind the sender's earlier ones; true when it was tried.</summary>
    public bool Offer(TSender sender, Broadcast? request)
    {
        if (request is null)
        {
            Rejected++;
            log.Warning("Group {0}: {1} sent an OrderedBroadcast without a request (refused).", group, sender);
            Answer(sender, BroadcastReply.Refused(group, RefusalReason.InvalidRequest, "The OrderedBroadcast has no request."));
            return false;
        }
        if (_queues.TryGetValue(sender, out var queue))
        {
            if (queue.Count >= OrderedBroadcast.MaxQueued)
            {
                Rejected++;
                log.Warning("Group {0}: {1} has {2} ordered broadcasts queued (limit {3}); refused.", group, sender, queue.Count, OrderedBroadcast.MaxQueued);
                Answer(sender, BroadcastReply.Refused(group, RefusalReason.InvalidRequest,
                    $"{queue.Count} ordered broadcasts of this sender are queued (limit {OrderedBroadcast.MaxQueued})."));
                return false;
            }
            queue.Enqueue(request);
            return false;
        }
        var reply = tryBroadcast(request);
        if (IsRetriable(reply))
            _queues.Add(sender, new Queue<Broadcast>(new[] { request }));
        else
            Answer(sender, reply);
        return true;
    }

    /// <summary>The sender's queued broadcasts are dropped, unanswered.</summary>
    public void Drop(TSender sender)
    {
        if (_queues.Remove(sender, out var queue) && queue.Count > 0)
            log.Debug("Group {0}: dropped {1} queued ordered broadcasts of {2}.", group, queue.Count, sender);
    }

    /// <summary>Sends what the queues hold while the member takes it (<paramref name="noRoom"/> asked first, so a retry while back-pressured is not counted as a refusal); true when any was sent.</summary>
    public bool Retry(Func<bool> noRoom)
    {
        if (_retrying || _queues.Count == 0) return false;
        var progressed = false;
        _retrying = true;
        try
        {
            foreach (var (sender, queue) in _queues)
            {
                while (queue.TryPeek(out var next))
                {
                    if (noRoom()) break;
                    var reply = tryBroadcast(next);
                    if (IsRetriable(reply)) break;
                    queue.Dequeue();
                    Answer(sender, reply);
                    progressed = true;
                }
            }
            if (progressed) // only a queue that sent something can have emptied
                foreach (var sender in _queues.Where(q => q.Value.Count == 0).Select(q => q.Key).ToList()) _queues.Remove(sender);
        }
        finally
        {
            _retrying = false;
        }
        return progressed;
    }

    /// <summary>The member stopped: whatever is still queued is refused, so no sender waits for an answer that never comes.</summary>
    public void RefuseAll(GroupStopped stopped)
    {
        foreach (var (sender, queue) in _queues)
        {
            foreach (var _ in queue) Answer(sender, BroadcastReply.Refused(group, RefusalReason.Stopped, $"This member stopped ({stopped.Reason}): {stopped.Detail}"));
        }
        _queues.Clear();
    }

    /// <summary>The answers collected since the last call, per sender in the order they were told.</summary>
    public List<(TSender Sender, OrderedBroadcastReplies Replies)> TakeReplies()
    {
        var taken = _replies.Select(r => (r.Key, new OrderedBroadcastReplies(r.Value))).ToList();
        _replies.Clear();
        return taken;
    }

    private static bool IsRetriable(BroadcastReply reply) =>
        reply.Outcome == BroadcastOutcome.Refused && reply.Reason is RefusalReason.BackPressure or RefusalReason.NotAMember;

    private void Answer(TSender sender, BroadcastReply reply)
    {
        answered(reply);
        if (!_replies.TryGetValue(sender, out var replies)) _replies.Add(sender, replies = new List<BroadcastReply>());
        replies.Add(reply);
    }
}
