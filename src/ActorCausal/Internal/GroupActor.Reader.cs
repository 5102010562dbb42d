using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Internal;

// An on-demand subscriber (JoinOptions.OnDemand): its events wait here, in order, and each Delivered goes out only
// against a credit (RequestDeliveries). Handing a delivery out is what the protocol counts as consumed (Consumed), so
// stability and the senders' unstable bound wait for this reader. The protocol bounds what waits here: a sender has at
// most max-unstable messages not consumed everywhere.
internal sealed partial class GroupActor
{
    private readonly Queue<(IGroupEvent Event, GroupMember? DeliveredBy)> _awaitingReader = new();
    private long _readerCredits;
    private long _readerBlockedSinceMs;
    private List<IGroupEvent>? _readerBatch;

    /// <summary>Sends the events batched since it was told (<see cref="JoinOptions.BatchEvents"/>): what was in the mailbox before it went first, so one message carries many events.</summary>
    private sealed class FlushReaderBatch
    {
        public static readonly FlushReaderBatch Instance = new();
    }

    /// <summary>An event for the subscriber, in the member's order: at once, or after the deliveries still waiting for credit.</summary>
    private void ToSubscriber(IGroupEvent e)
    {
        if (!_options.OnDemand)
        {
            HandOut(e);
            _position.Handed(e);
            return;
        }
        if (_awaitingReader.Count == 0) _readerBlockedSinceMs = _clock.NowMs;
        _awaitingReader.Enqueue((e, e is Delivered ? _member : null));
        HandToReader(ignoreCredits: false);
    }

    private void OnRequestDeliveries(RequestDeliveries request)
    {
        if (request.Count < 1)
        {
            _inputsRejected++;
            _log.Warning("Group {0}: {1} asked for {2} deliveries; a request must be for at least 1 (ignored).", _group, Sender, request.Count);
            return;
        }
        if (!_options.OnDemand)
        {
            _log.Debug("Group {0}: credit from {1} ignored: the subscriber is not on demand.", _group, Sender);
            return;
        }
        _readerCredits = Math.Min(long.MaxValue - int.MaxValue, _readerCredits) + request.Count;
        _readerBlockedSinceMs = _clock.NowMs;
        HandToReader(ignoreCredits: false);
        _position.PublishTo(_handle.Deliveries);
        ProcessEffects(); // what the reader took may make a stability report due
    }

    /// <summary>Deliveries waiting for the on-demand reader's credit.</summary>
    private long ReaderBacklog()
    {
        long waiting = 0;
        foreach (var (e, _) in _awaitingReader)
            if (e is Delivered) waiting++;
        return waiting;
    }

    /// <summary>Hands out what credit allows; <paramref name="ignoreCredits"/> when the member stops (nothing is held back any more).</summary>
    private void HandToReader(bool ignoreCredits)
    {
        while (_awaitingReader.TryPeek(out var next))
        {
            if (next.Event is Delivered && !ignoreCredits)
            {
                if (_readerCredits == 0) return;
                _readerCredits--;
            }
            _awaitingReader.Dequeue();
            HandOut(next.Event);
            _position.Handed(next.Event);
            // A delivery of a closed incarnation (a merge replaced the member) no longer counts anywhere, nor does one
            // handed out as the member stops.
            if (next.Event is Delivered taken && !ignoreCredits && ReferenceEquals(next.DeliveredBy, _member)) _member.Consumed(taken.MessageId);
            _readerBlockedSinceMs = _clock.NowMs;
        }
        if (ignoreCredits) SendReaderBatch(); // the member stops: GroupStopped follows at once
    }

    private void HandOut(IGroupEvent e)
    {
        if (!_options.BatchEvents)
        {
            _subscriber.Tell(e);
            return;
        }
        if (_readerBatch is null)
        {
            _readerBatch = new List<IGroupEvent>();
            Self.Tell(FlushReaderBatch.Instance);
        }
        _readerBatch.Add(e);
    }

    private void SendReaderBatch()
    {
        if (_readerBatch is null) return;
        _subscriber.Tell(new GroupEventBatch(_readerBatch));
        _readerBatch = null;
    }

    /// <summary>On each tick: a reader that gave no credit for <see cref="JoinOptions.ReaderStallTimeout"/> while deliveries wait ends this membership.</summary>
    private void CheckReaderStall()
    {
        if (_options.ReaderStallTimeout is not { } timeout || _awaitingReader.Count == 0 || _readerCredits > 0 || _leaving || _stopped is not null) return;
        var stalledMs = _clock.NowMs - _readerBlockedSinceMs;
        if (stalledMs < timeout.TotalMilliseconds) return;
        _log.Warning("Group {0}: the on-demand subscriber {1} took nothing for {2} ms while {3} events waited (reader-stall timeout {4}); leaving the group so the others go on.",
            _group, _subscriber, stalledMs, _awaitingReader.Count, timeout);
        OnLeave(ActorRefs.Nobody, $"the on-demand subscriber took nothing for {timeout}");
    }
}
