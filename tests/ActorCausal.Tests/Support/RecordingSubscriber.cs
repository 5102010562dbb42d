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
public sealed class RecordingSubscriber : ReceiveActor
{
    public sealed record Attach(IActorRef Group);
    /// <summary>
    /// Broadcast <see cref="Count"/> payloads with <see cref="Order"/>, or cycling through every order when <see cref="Mixed"/>;
    /// explicit ones depend on the latest message delivered here from another member.
    /// </summary>
    public sealed record Burst(int Count, DeliveryOrder Order, int Window = 8, bool Mixed = false);
    /// <summary>Broadcast one payload now; the BroadcastReply is also forwarded to the sender of this request.</summary>
    public sealed record SendOne(object Payload, DeliveryOrder Order);
    /// <summary>Drop the broadcasts not yet requested (those in flight still get their replies).</summary>
    public sealed record StopSending;
    public sealed record GetHistory;
    public sealed record GetProgress;
    /// <summary><see cref="StateSize"/>: messages the application state reflects (loaded from a snapshot, then delivered).</summary>
    public sealed record Progress(int Delivered, int Sent, int Refused, int InFlight, long ViewId, bool Stopped, ImmutableArray<Delivered> Deliveries, int StateSize, int HeldReleased)
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
    private MessageId? _lastFromOther;

    public RecordingSubscriber(MemberId self, string prefix)
    {
        _self = self;
        _prefix = prefix;
        Receive<Attach>(a => _group = a.Group);
        Receive<Burst>(b =>
        {
            _window = b.Window;
            for (var i = 0; i < b.Count; i++) _toSend.Enqueue(b.Mixed ? (DeliveryOrder)(i % 4) : b.Order);
            Pump();
        });
        Receive<StopSending>(_ => _toSend.Clear());
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
        Receive<MemberSuspected>(_ => { });
        Receive<MemberReachable>(_ => { });
        Receive<GetHistory>(_ => Sender.Tell(new MemberHistory(_self, _events.ToArray())));
        Receive<GetProgress>(_ => Sender.Tell(new Progress(_deliveries.Count, _sent, _refused, _awaitingReply.Count, _viewId, _stopped, [.. _deliveries], _state.Count, _released) { Released = [.. _releases] }));
    }

    public static Props Props(MemberId self, string prefix) => Akka.Actor.Props.Create(() => new RecordingSubscriber(self, prefix));

    private void Pump()
    {
        while (_group is not null && _toSend.Count > 0 && _awaitingReply.Count < _window)
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
                break;
        }
        Pump();
    }

    private static ReadOnlyMemory<byte> Encode(IEnumerable<MessageId> ids) => Encoding.UTF8.GetBytes(string.Join(",", ids));

    private static List<MessageId> Decode(ReadOnlyMemory<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes.Span);
        return text.Length == 0 ? new List<MessageId>() : text.Split(',').Select(MessageId.Parse).ToList();
    }
}
