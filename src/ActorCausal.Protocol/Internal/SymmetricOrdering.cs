using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Symmetric total order (<see cref="TotalOrderMode.Symmetric"/>; Lamport's, as in Newtop and Derecho) at one member.
/// A total-order message's place is known on arrival: its sender's HLC stamp and rank (<see cref="SymmetricPriority"/>),
/// set as its final priority in <see cref="TotalOrdering"/>'s queue, which then needs no proposals. The head of that
/// queue is delivered once every member's stream has passed its stamp (<see cref="Passed"/>): member k's messages are
/// stamped in increasing order with its sequence numbers, so once this member has processed (queued or delivered) k's
/// messages up to one stamped t or later, nothing of k can still sort before t. A member with nothing to send that
/// holds another member's total-order message announces its clock (<see cref="ClockHeartbeat"/>), once per input.
/// State is per view: it resets when the view id changes.
/// </summary>
internal sealed class SymmetricOrdering(ITotalOrderHost host, GroupMemberSettings settings, HybridLogicalClock hlc, TotalOrdering total)
{
    private long _viewId = -1;
    /// <summary>Per rank: every message of that member stamped at or below this has been processed here.</summary>
    private HlcTimestamp[] _passed = [];
    /// <summary>Per rank: a heartbeat whose sequence number is not processed here yet.</summary>
    private ClockHeartbeat?[] _waitingHeartbeat = [];
    /// <summary>The highest stamp of another member's total-order message processed here.</summary>
    private HlcTimestamp _newestTotal;
    /// <summary>The total-order message with the highest stamp processed here, this member's own included.</summary>
    private MessageId _newestTotalId;
    private HlcTimestamp _newestTotalIdTime;
    /// <summary>The latest stamp this member sent on its own (a broadcast or a heartbeat).</summary>
    private HlcTimestamp _announced;
    private long _lastHeartbeatAtMs = NeverMs;
    private const long NeverMs = long.MinValue / 2;

    /// <summary>A heartbeat is repeated to members that have not delivered the newest total-order message at most this often.</summary>
    private long RepeatMs => 2 * Math.Max(settings.TotalRetryDelayMs, settings.StabilityIntervalMs);

    /// <summary>Another member's total-order message was processed here and nothing this member sent since passes its stamp.</summary>
    public bool HeartbeatDue
    {
        get
        {
            if (_viewId != host.View.Id || _newestTotal <= _announced || host.FlushDecidesNothing) return false;
            if (host.LastSequence > 0 && host.Log(host.Rank).Get(host.LastSequence) is { } own && own.Time > _announced) _announced = own.Time;
            return _newestTotal > _announced;
        }
    }

    /// <summary>
    /// <paramref name="m"/>, the next message of its sender in sequence order, was just processed here (queued for total
    /// order or delivered). A total-order one gets its place as its final priority; call before it joins the queue.
    /// </summary>
    public void Processed(DataMessage m)
    {
        Sync();
        if (m.Time > _passed[m.Sender]) _passed[m.Sender] = m.Time;
        ApplyWaitingHeartbeat(m.Sender);
        if (m.Order != DeliveryOrder.Total) return;
        total.SetFinal(total.EntryFor(m.Id), SymmetricPriority.Of(m));
        if (m.Sender != host.Rank && m.Time > _newestTotal) _newestTotal = m.Time;
        if (m.Time > _newestTotalIdTime)
        {
            _newestTotalIdTime = m.Time;
            _newestTotalId = m.Id;
        }
    }

    /// <summary>
    /// The queue head <paramref name="m"/> may be delivered: every member's stream, this one's included, has passed its
    /// stamp, so no total-order message that sorts before it can still arrive or be sent.
    /// </summary>
    public bool Passed(DataMessage m)
    {
        Sync();
        for (var k = 0; k < _passed.Length; k++)
        {
            if (!StreamPassed(k, m.Time)) return false;
        }
        return true;
    }

    /// <summary>
    /// Every message of <paramref name="rank"/> stamped at or before <paramref name="time"/> has been processed here. Its first
    /// unprocessed message, once received, bounds its stamps from below (one waiting for its causal past may itself
    /// follow the queue head); else what its processed messages and heartbeats showed, or, for this member, its clock.
    /// </summary>
    private bool StreamPassed(int rank, HlcTimestamp time)
    {
        var log = host.Log(rank);
        if (log.Get(log.ReadyUpTo + 1) is { } next) return next.Time > time;
        return rank == host.Rank ? hlc.Current >= time : _passed[rank] >= time;
    }

    public ReceiveOutcome OnHeartbeat(MemberId from, int fromRank, ClockHeartbeat heartbeat)
    {
        var log = host.Log(fromRank);
        if (fromRank == host.Rank || heartbeat.Sequence < 0 || heartbeat.Sequence > log.Delivered + settings.ReceiveWindow
            || !SymmetricPriority.Representable(heartbeat.Time))
            return host.Reject(from, RejectReason.Malformed, $"Clock heartbeat (sequence {heartbeat.Sequence}, clock {heartbeat.Time}) from rank {fromRank} does not fit {host.View}.");
        Sync();
        // Links are FIFO: the heartbeat shows the sender's messages up to its sequence number sent, a gap below it lost.
        if (heartbeat.Sequence > log.ShownBySender) log.ShownBySender = heartbeat.Sequence;
        if (heartbeat.Sequence > log.KnownMax) log.KnownMax = heartbeat.Sequence;
        if (log.HasGap) host.StartGapTimer(fromRank);
        var waiting = _waitingHeartbeat[fromRank];
        if (waiting is null || heartbeat.Time > waiting.Time) _waitingHeartbeat[fromRank] = heartbeat;
        if (ApplyWaitingHeartbeat(fromRank)) host.Pump();
        return ReceiveOutcome.Accepted;
    }

    /// <summary>At the end of an input: one heartbeat to everyone if <see cref="HeartbeatDue"/> and this member's own last broadcast does not pass the stamp.</summary>
    public void SendHeartbeatIfDue()
    {
        if (HeartbeatDue) host.Emit(new SendToAll(NewHeartbeat()));
    }

    /// <summary>
    /// On the timer: a heartbeat may have been lost. Members that have not reported delivering the newest total-order
    /// message processed here get this member's clock again, at most once per <see cref="RepeatMs"/> whatever the load.
    /// It also shows them this member's last sequence number: a sender whose last message was lost, and who waits to
    /// deliver it itself, sends nothing else that would show the loss (only what the sender has shown is NAKed).
    /// </summary>
    public void Tick()
    {
        if (_viewId != host.View.Id || _newestTotalIdTime == default || host.FlushDecidesNothing || host.Now - _lastHeartbeatAtMs < RepeatMs) return;
        ClockHeartbeat? heartbeat = null;
        for (var k = 0; k < host.Size; k++)
        {
            if (k == host.Rank || host.Acks.DeliveredBy(k, _newestTotalId.Sender) >= _newestTotalId.Sequence) continue;
            heartbeat ??= NewHeartbeat();
            host.Emit(new Send(host.View.Members[k], heartbeat));
        }
    }

    private ClockHeartbeat NewHeartbeat()
    {
        var time = hlc.Send(host.Now);
        _announced = time;
        _lastHeartbeatAtMs = host.Now;
        return new ClockHeartbeat(host.View.Id, host.LastSequence, time);
    }

    /// <summary>Applies a heartbeat of <paramref name="rank"/> once its sequence number is processed here; true if the stream passed further.</summary>
    private bool ApplyWaitingHeartbeat(int rank)
    {
        if (_waitingHeartbeat[rank] is not { } heartbeat || heartbeat.Sequence > host.Log(rank).ReadyUpTo) return false;
        _waitingHeartbeat[rank] = null;
        if (heartbeat.Time <= _passed[rank]) return false;
        _passed[rank] = heartbeat.Time;
        return true;
    }

    private void Sync()
    {
        if (_viewId == host.View.Id) return;
        _viewId = host.View.Id;
        _passed = new HlcTimestamp[host.Size];
        _waitingHeartbeat = new ClockHeartbeat?[host.Size];
        _newestTotal = default;
        _newestTotalId = default;
        _newestTotalIdTime = default;
        _announced = default;
        _lastHeartbeatAtMs = NeverMs;
    }
}
