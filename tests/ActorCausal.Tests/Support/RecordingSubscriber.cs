using System.Collections.Immutable;
using System.Text;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka.Actor;

namespace ActorCausal.Tests.Support;

/// <summary>
/// A subscriber that records the member's local history for the invariant checker (sends, deliveries, views, snapshot
/// loads, stops, in the order the group actor reported them) and broadcasts on request. It broadcasts with Tell, so
/// every BroadcastReply arrives in the group's local order relative to the deliveries; it keeps a window of requests
/// in flight, so its sends interleave with what it delivers. Its snapshot is the list of message ids it holds.
/// </summary>
public sealed class RecordingSubscriber : ReceiveActor, IWithTimers
{
    public sealed record Attach(IActorRef Group);
    /// <summary>
    /// Broadcast <see cref="Count"/> payloads with <see cref="Order"/>, or cycling through every order when <see cref="Mixed"/>;
    /// explicit ones depend on the latest message delivered here from another member. With <see cref="RetryBackPressure"/>,
    /// a broadcast refused for back pressure is tried again a little later, as an application told to wait would (the
    /// refusal is still counted); without it, it is dropped.
    /// </summary>
    public sealed record Burst(int Count, DeliveryOrder Order, int Window = 8, bool Mixed = false, bool RetryBackPressure = false);
    /// <summary>Broadcast one payload now; the BroadcastReply is also forwarded to the sender of this request.</summary>
    public sealed record SendOne(object Payload, DeliveryOrder Order);
    /// <summary>Drop the broadcasts not yet requested (those in flight still get their replies).</summary>
    public sealed record StopSending;
    public sealed record GetHistory;
    public sealed record GetProgress;
    /// <summary>
    /// <see cref="StateSize"/>: messages the application state reflects (loaded from a snapshot, then delivered).
    /// <see cref="Merges"/>: the GroupsMerged this member was told of (a second group of its name had formed).
    /// <see cref="Refusals"/>: how many broadcasts were refused, by reason.
    /// </summary>
    public sealed record Progress(int Delivered, int Sent, int Refused, int InFlight, long ViewId, bool Stopped, ImmutableArray<Delivered> Deliveries, int StateSize, int HeldReleased, ImmutableArray<string> Merges, ImmutableDictionary<RefusalReason, int> Refusals)
    {
        /// <summary>Every <see cref="BroadcastReleased"/> received, in order.</summary>
        public ImmutableArray<BroadcastReleased> Released { get; init; } = ImmutableArray<BroadcastReleased>.Empty;
    }

    private readonly MemberId _self;
    private readonly string _prefix;
    private readonly List<HistoryEvent> _events = new();
    private readonly List<MessageId> _state = new();
    private readonly List<Delivered> _deliveries = new();
    private readonly List<BroadcastReleased> _releases = new();
    private readonly List<string> _merges = new();
    private readonly Dictionary<RefusalReason, int> _refusals = new();
    private readonly Queue<(DeliveryOrder Order, ImmutableArray<MessageId> Deps, IActorRef? ReplyTo)> _awaitingReply = new();
    private readonly Dictionary<long, (DeliveryOrder Order, ImmutableArray<MessageId> Deps)> _held = new();
    private readonly Queue<DeliveryOrder> _toSend = new();
    private IActorRef? _group;
    private int _window = 8;
    private int _sent;
    private int _refused;
    private int _counter;
    private int _released;
    private long _viewId;
    private bool _stopped;
    private bool _retryBackPressure;
    private bool _waitingOutBackPressure;
    private MessageId? _lastFromOther;

    public RecordingSubscriber(MemberId self, string prefix)
    {
        _self = self;
        _prefix = prefix;
        Receive<Attach>(a => _group = a.Group);
        Receive<Burst>(b =>
        {
            _window = b.Window;
            _retryBackPressure = b.RetryBackPressure;
            for (var i = 0; i < b.Count; i++) _toSend.Enqueue(b.Mixed ? (DeliveryOrder)(i % 4) : b.Order);
            Pump();
        });
        Receive<StopSending>(_ => _toSend.Clear());
        Receive<ResumeAfterBackPressure>(_ =>
        {
            _waitingOutBackPressure = false;
            Pump();
        });
        Receive<SendOne>(one =>
        {
            _awaitingReply.Enqueue((one.Order, ImmutableArray<MessageId>.Empty, Sender));
            _group!.Tell(new Broadcast(one.Payload, one.Order));
        });
        Receive<BroadcastReply>(OnReply);
        Receive<BroadcastReleased>(r =>
        {
            _releases.Add(r);
            if (!_held.Remove(r.Ticket, out var h)) return;
            _released++;
            _events.Add(SendEvent.Of(r.Id, h.Order, h.Deps, 0));
        });
        Receive<Delivered>(d =>
        {
            _events.Add(new DeliverEvent(d.MessageId, d.Sender, d.Order.BaseOrder()) { Safe = d.Order.IsSafe() });
            _state.Add(d.MessageId);
            _deliveries.Add(d);
            if (d.Sender != _self)
            {
                _lastFromOther = d.MessageId;
            }
        });
        Receive<ViewChanged>(v =>
        {
            _viewId = v.View.Id;
            _events.Add(new ViewEvent(v.View.Id, v.View.Members));
        });
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, Encode(_state))));
        Receive<InstallSnapshot>(s =>
        {
            var ids = Decode(s.Snapshot);
            _state.Clear();
            _state.AddRange(ids);
            _events.Add(new SnapshotLoadEvent(s.ViewId, [.. ids]));
        });
        Receive<GroupStopped>(s =>
        {
            _stopped = true;
            _events.Add(StopRecord.Of(s.Reason.ToString(), s.Detail));
        });
        // Not part of the checked history: a merged member is a new incarnation the history does not follow, so the
        // harness fails the test on it (RecordedGroup.AssertOneGroupAsync).
        Receive<GroupsMerged>(m =>
        {
            _merges.Add($"view {m.ViewId} merged with the other side, {m.OtherSide}");
            // The other group's messages are now held without being delivered here: the checker must know (explicit
            // dependencies on them are satisfied), as the simulator records it.
            var held = _state.ToHashSet();
            var merged = Decode(m.Snapshot).Where(id => !held.Contains(id)).ToList();
            _state.AddRange(merged);
            var otherGroup = merged.Where(id => id.ViewId >> 32 != m.ViewId >> 32 /* another group: view ids of one group share their high bits (MergeRules.FoundingViewId) */).ToImmutableArray();
            if (otherGroup.Length > 0) _events.Add(new MergedStateEvent(m.ViewId, otherGroup));
        });
        Receive<MemberSuspected>(_ => { });
        Receive<MemberReachable>(_ => { });
        Receive<GetHistory>(_ => Sender.Tell(new MemberHistory(_self, _events.ToArray())));
        Receive<GetProgress>(_ => Sender.Tell(new Progress(_deliveries.Count, _sent, _refused, _awaitingReply.Count, _viewId, _stopped, [.. _deliveries], _state.Count, _released, [.. _merges], _refusals.ToImmutableDictionary()) { Released = [.. _releases] }));
    }

    public static Props Props(MemberId self, string prefix) => Akka.Actor.Props.Create(() => new RecordingSubscriber(self, prefix));

    private sealed record ResumeAfterBackPressure;

    public ITimerScheduler Timers { get; set; } = null!;

    private void Pump()
    {
        while (!_waitingOutBackPressure && _group is not null && _toSend.Count > 0 && _awaitingReply.Count < _window)
        {
            var order = _toSend.Dequeue();
            var deps = order == DeliveryOrder.Explicit && _lastFromOther is { } dep && dep.ViewId == _viewId
                ? ImmutableArray.Create(dep)
                : ImmutableArray<MessageId>.Empty;
            _awaitingReply.Enqueue((order, deps, null));
            _group.Tell(new Broadcast($"{_prefix}-{++_counter}", order, deps));
        }
    }

    private void OnReply(BroadcastReply reply)
    {
        var (order, deps, replyTo) = _awaitingReply.Dequeue();
        replyTo?.Tell(reply);
        switch (reply.Outcome)
        {
            case BroadcastOutcome.Sent:
                _sent++;
                _events.Add(SendEvent.Of(reply.Id, order, deps, 0));
                break;
            case BroadcastOutcome.Held:
                _sent++;
                _held[reply.Ticket] = (order, deps);
                break;
            default:
                _refused++;
                _refusals[reply.Reason] = _refusals.GetValueOrDefault(reply.Reason) + 1;
                if (_retryBackPressure && reply.Reason == RefusalReason.BackPressure && replyTo is null)
                    WaitOutBackPressure(order);
                break;
        }
        Pump();
    }

    /// <summary>Sends the refused broadcast again later, and nothing else until then.</summary>
    private void WaitOutBackPressure(DeliveryOrder order)
    {
        _toSend.Enqueue(order);
        if (_waitingOutBackPressure) return;
        _waitingOutBackPressure = true;
        Timers.StartSingleTimer(nameof(ResumeAfterBackPressure), new ResumeAfterBackPressure(), TimeSpan.FromMilliseconds(50));
    }

    private static ReadOnlyMemory<byte> Encode(IEnumerable<MessageId> ids) => Encoding.UTF8.GetBytes(string.Join(",", ids));

    private static List<MessageId> Decode(ReadOnlyMemory<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Span);
        return text.Length == 0 ? new List<MessageId>() : text.Split(',').Select(MessageId.Parse).ToList();
    }
}
