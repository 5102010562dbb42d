using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// State of one timed run shared by the nodes in this process (every node in one process, or one node in its own):
/// the delivery counters used for flow control and completion, and the latency samples of the nodes here (Stopwatch
/// ticks; across processes on Linux one clock too, see <see cref="NodeChild"/>).
/// </summary>
public sealed class RunState
{
    /// <param name="localNode">With one node per process: the node in this one (latencies are kept for it only).</param>
    public RunState(int nodes, int perNode, int window, bool record, bool log = false, DeliveryBoard? board = null, int? localNode = null)
    {
        Log = log;
        Nodes = nodes;
        PerNode = perNode;
        Window = window;
        Record = record;
        Board = board ?? DeliveryBoard.InProcess(nodes);
        Latencies = new long[nodes][];
        DeliveredAt = new int[nodes];
        Probes = Enumerable.Range(0, nodes).Select(_ => new bool[nodes]).ToArray();
        for (var i = 0; i < nodes; i++) Latencies[i] = localNode is null || localNode == i ? new long[perNode * nodes] : [];
        ExpectedDeliveries = (long)perNode * nodes * nodes;
    }

    public int Nodes { get; }
    public int PerNode { get; }
    public int Window { get; }
    public bool Record { get; }
    /// <summary>Also keep the JSON lines of the member logs (--log).</summary>
    public bool Log { get; }
    /// <summary>Deliveries at each receiver of each sender's messages.</summary>
    public DeliveryBoard Board { get; }
    public long[][] Latencies { get; private set; }
    /// <summary>Deliveries at each receiver (written by the receiver only).</summary>
    public int[] DeliveredAt { get; }
    /// <summary>Probes[receiver][sender]: the receiver got a pubsub readiness probe from the sender.</summary>
    public bool[][] Probes { get; }
    public long ExpectedDeliveries { get; }
    public long Delivered;
    public long FirstSend = long.MaxValue;
    public long LastDelivery;
    public long Refused;
    public long BackPressureRetries;
    public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void DropSamples() => Latencies = [];

    /// <summary>Messages of <paramref name="sender"/> not yet delivered at every node.</summary>
    public long Outstanding(int sender, long sent)
    {
        var min = long.MaxValue;
        for (var r = 0; r < Nodes; r++) min = Math.Min(min, Board.Read(r, sender));
        return sent - min;
    }

    public void MarkSend(long now)
    {
        if (now < Volatile.Read(ref FirstSend)) InterlockedMin(ref FirstSend, now);
    }

    public void OnDelivery(int receiver, int sender, long sentAt)
    {
        var now = Stopwatch.GetTimestamp();
        Latencies[receiver][DeliveredAt[receiver]++] = now - sentAt;
        Board.Increment(receiver, sender);
        InterlockedMax(ref LastDelivery, now);
        if (Interlocked.Increment(ref Delivered) == ExpectedDeliveries) Done.TrySetResult();
    }

    public long[] AllLatencies()
    {
        var all = new List<long>();
        for (var r = 0; r < Nodes; r++) all.AddRange(Latencies[r].Take(DeliveredAt[r]));
        return all.ToArray();
    }

    private static void InterlockedMin(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}

public enum Transport { Raw, PubSub, Causal }

/// <summary>
/// One node's benchmark actor: it broadcasts its share of the workload (keeping at most <see cref="RunState.Window"/> of
/// its messages not yet delivered everywhere) and receives every node's messages. For ActorCausal it is the group's
/// subscriber and broadcasts with Tell, so replies arrive in the group's local order and the history it records is exact.
/// </summary>
public sealed class BenchNode : UntypedActor
{
    public sealed record Start;
    public sealed record Peers(ImmutableArray<IActorRef> Refs);
    public sealed record Attach(IActorRef Group);
    public sealed record GetRecord;
    public sealed record ClearRecord;
    public sealed record Record(MemberHistory History, List<string> Lines);
    private sealed record Pump
    {
        public static readonly Pump Instance = new();
    }

    private readonly int _index;
    private readonly RunState _state;
    private readonly Transport _transport;
    private readonly DeliveryOrder _order;
    private readonly MemberId _self;
    private readonly string _tag;
    private readonly IActorRef? _mediator;
    private readonly List<HistoryEvent> _events = new();
    private readonly List<string> _lines = new();
    private readonly Queue<(byte[] Payload, ImmutableArray<MessageId> Deps)> _awaitingReply = new();
    private readonly Stack<byte[]> _retry = new();
    private readonly Dictionary<long, ImmutableArray<MessageId>> _held = new();
    private ImmutableArray<IActorRef> _peers = ImmutableArray<IActorRef>.Empty;
    private IActorRef? _group;
    private bool _started;
    private long _sent;
    private int _nextSeq;
    private long _viewId;
    private MessageId? _lastFromOther;
    private ICancelable? _timer;

    public BenchNode(int index, RunState state, Transport transport, DeliveryOrder order, MemberId self, string tag, IActorRef? mediator)
    {
        _index = index;
        _state = state;
        _transport = transport;
        _order = order;
        _self = self;
        _tag = tag;
        _mediator = mediator;
    }

    public static Props Props(int index, RunState state, Transport transport, DeliveryOrder order, MemberId self, string tag, IActorRef? mediator) =>
        Akka.Actor.Props.Create(() => new BenchNode(index, state, transport, order, self, tag, mediator));

    protected override void PreStart()
    {
        _timer = Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5), Self, Pump.Instance, Self);
    }

    protected override void PostStop() => _timer?.Cancel();

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case byte[] payload:
                OnPayload(payload);
                SendMore();
                break;
            case Delivered d:
                if (_state.Record)
                {
                    _events.Add(new DeliverEvent(d.MessageId, d.Sender, d.Order));
                    if (_state.Log) _lines.Add($"{{\"ev\":\"deliver\",\"id\":\"{Id(d.MessageId)}\",\"sender\":\"{d.Sender}\",\"order\":\"{OrderName(d.Order)}\"}}");
                }
                if (d.Sender != _self) _lastFromOther = d.MessageId;
                if (d.Payload is byte[] bytes) OnPayload(bytes);
                SendMore();
                break;
            case BroadcastReply reply:
                OnReply(reply);
                SendMore();
                break;
            case Pump:
                SendMore();
                break;
            case Start:
                _started = true;
                SendMore();
                break;
            case Peers p:
                _peers = p.Refs;
                Sender.Tell(Done.Instance);
                break;
            case Attach a:
                _group = a.Group;
                Sender.Tell(Done.Instance);
                break;
            case ViewChanged v:
                _viewId = v.View.Id;
                if (_state.Record) _events.Add(new ViewEvent(v.View.Id, v.View.Members));
                break;
            case SnapshotRequest r:
                Sender.Tell(new SnapshotResponse(r.ViewId, ReadOnlyMemory<byte>.Empty));
                break;
            case InstallSnapshot s:
                if (_state.Record) _events.Add(new SnapshotLoadEvent(s.ViewId, ImmutableArray<MessageId>.Empty));
                break;
            case BroadcastReleased r:
                if (_held.Remove(r.Ticket, out var deps)) RecordSend(r.Id, deps);
                break;
            case GroupStopped s:
                if (_state.Record)
                {
                    _events.Add(new StopEvent(s.Reason switch
                    {
                        GroupStopReason.Left => StopReason.Left,
                        GroupStopReason.Downed => StopReason.Downed,
                        _ => StopReason.ExcludedFromView,
                    }, s.Detail));
                    _lines.Add("{\"ev\":\"stopped\"}");
                }
                break;
            case ClearRecord:
                _events.Clear();
                _events.TrimExcess();
                _lines.Clear();
                _lines.TrimExcess();
                Sender.Tell(Done.Instance);
                break;
            case GetRecord:
                Sender.Tell(new Record(new MemberHistory(_self, _events.ToArray()), _lines));
                break;
            case string probe when probe.StartsWith("probe:", StringComparison.Ordinal):
                Volatile.Write(ref _state.Probes[_index][int.Parse(probe.AsSpan(6))], true);
                Thread.MemoryBarrier();
                break;
            case SubscribeAck:
            case MemberSuspected:
            case MemberReachable:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnPayload(byte[] payload)
    {
        var sender = BinaryPrimitives.ReadInt32LittleEndian(payload);
        var sentAt = BinaryPrimitives.ReadInt64LittleEndian(payload.AsSpan(8));
        _state.OnDelivery(_index, sender, sentAt);
    }

    private void SendMore()
    {
        if (!_started) return;
        while ((_retry.Count > 0 || _nextSeq < _state.PerNode) && _state.Outstanding(_index, _sent) < _state.Window)
        {
            byte[] payload;
            if (_retry.Count > 0)
            {
                payload = _retry.Pop();
            }
            else
            {
                payload = new byte[16];
                BinaryPrimitives.WriteInt32LittleEndian(payload, _index);
                BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), _nextSeq++);
                var now = Stopwatch.GetTimestamp();
                BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), now);
                _state.MarkSend(now);
            }
            _sent++;
            switch (_transport)
            {
                case Transport.Raw:
                    foreach (var peer in _peers) peer.Tell(payload, Self);
                    break;
                case Transport.PubSub:
                    _mediator!.Tell(new Publish(_tag, payload), Self);
                    break;
                default:
                    var deps = _order == DeliveryOrder.Explicit && _lastFromOther is { } dep && dep.ViewId == _viewId
                        ? ImmutableArray.Create(dep)
                        : ImmutableArray<MessageId>.Empty;
                    _awaitingReply.Enqueue((payload, deps));
                    _group!.Tell(new Broadcast(payload, _order, deps), Self);
                    break;
            }
        }
    }

    private void OnReply(BroadcastReply reply)
    {
        var (payload, deps) = _awaitingReply.Dequeue();
        switch (reply.Outcome)
        {
            case BroadcastOutcome.Sent:
                RecordSend(reply.Id, deps);
                break;
            case BroadcastOutcome.Held:
                _held[reply.Ticket] = deps;
                break;
            default:
                _sent--;
                if (reply.Reason == RefusalReason.BackPressure)
                {
                    Interlocked.Increment(ref _state.BackPressureRetries);
                    _retry.Push(payload);
                }
                else
                {
                    // Not retried: the run will not complete and is reported as such.
                    Interlocked.Increment(ref _state.Refused);
                    Context.System.Log.Warning("broadcast refused: {0}", reply);
                }
                break;
        }
    }

    private void RecordSend(MessageId id, ImmutableArray<MessageId> deps)
    {
        if (!_state.Record) return;
        _events.Add(new SendEvent(id, _order, deps));
        if (!_state.Log) return;
        var line = new StringBuilder();
        line.Append("{\"ev\":\"send\",\"id\":\"").Append(Id(id)).Append("\",\"order\":\"").Append(OrderName(_order)).Append('"');
        if (_order == DeliveryOrder.Explicit)
        {
            line.Append(",\"deps\":[").AppendJoin(',', deps.Select(d => $"\"{Id(d)}\"")).Append(']');
        }
        _lines.Add(line.Append('}').ToString());
    }

    private string Id(MessageId id) => $"{_tag}:{id}";

    public static string OrderName(DeliveryOrder order) => order switch
    {
        DeliveryOrder.Fifo => "fifo",
        DeliveryOrder.Causal => "causal",
        DeliveryOrder.Explicit => "explicit",
        DeliveryOrder.SafeCausal => "safe-causal",
        DeliveryOrder.SafeTotal => "safe-total",
        _ => "total",
    };

    public sealed record Done
    {
        public static readonly Done Instance = new();
    }
}
