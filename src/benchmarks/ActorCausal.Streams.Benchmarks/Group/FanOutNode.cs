using System.Collections.Immutable;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>How a <see cref="FanOutNode"/> writer decides it may send more.</summary>
public enum WriterPacing
{
    /// <summary>
    /// At most <c>window</c> of its messages not yet delivered at every node, read from the benchmark's in-process
    /// delivery counters (as the core cluster benchmark's node): no real writer can see these. The group's bound can
    /// still refuse it (stability lags delivery), and then it waits as <see cref="GroupAnswers"/> does.
    /// </summary>
    DeliveryCounters,
    /// <summary>
    /// Only by the group's answers, as a real writer: at most <c>window</c> broadcasts not yet answered.
    /// </summary>
    GroupAnswers,
}

/// <summary>
/// One node's writer and reader for the actor paths: it broadcasts its messages paced as <see cref="WriterPacing"/>
/// says, and counts what it receives. With a group it is the group's subscriber and tells <see cref="Broadcast"/> to the
/// group actor; after a <see cref="RefusalReason.BackPressure"/> answer it sends nothing more until its next delivery or
/// the 5 ms pump, then retries the refused broadcast first. Without a group, it publishes to the topic through the node's
/// DistributedPubSub mediator.
/// </summary>
public sealed class FanOutNode : ReceiveActor, IWithTimers
{
    public sealed record Start(IActorRef? Group);
    private sealed record Pump
    {
        public static readonly Pump Instance = new();
    }

    private readonly int _index;
    private readonly DeliveryCount _count;
    private readonly int _window;
    private readonly string _topic;
    private readonly IActorRef _mediator;
    private readonly WriterPacing _pacing;
    private bool _backedOff;
    private readonly Stack<byte[]> _retry = new();
    private readonly Queue<byte[]> _awaitingReply = new();
    private IActorRef? _group;
    private bool _started;
    private bool _pubSub;
    private long _sent;
    private int _next;

    public FanOutNode(int index, DeliveryCount count, int window, string topic, IActorRef mediator, WriterPacing pacing)
    {
        (_index, _count, _window, _topic, _mediator, _pacing) = (index, count, window, topic, mediator, pacing);
        Receive<Delivered>(d =>
        {
            if (d.Payload is byte[] payload) _count.OnDelivery(_index, payload);
            _backedOff = false;
            SendMore();
        });
        Receive<byte[]>(payload =>
        {
            _count.OnDelivery(_index, payload);
            SendMore();
        });
        Receive<BroadcastReply>(reply =>
        {
            var payload = _awaitingReply.Dequeue();
            if (reply.Outcome == BroadcastOutcome.Refused)
            {
                _sent--;
                if (reply.Reason != RefusalReason.BackPressure) throw new InvalidOperationException($"Broadcast refused: {reply}");
                Interlocked.Increment(ref _count.BackPressureRetries);
                _retry.Push(payload);
                _backedOff = true;
            }
            SendMore();
        });
        Receive<Pump>(_ =>
        {
            _backedOff = false;
            SendMore();
        });
        Receive<Start>(s =>
        {
            (_started, _group, _pubSub) = (true, s.Group, s.Group is null);
            SendMore();
        });
        Receive<string>(probe => probe.StartsWith("probe:", StringComparison.Ordinal),
            probe => Volatile.Write(ref _count.Probes[_index][int.Parse(probe.AsSpan(6))], true));
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, ReadOnlyMemory<byte>.Empty)));
        ReceiveAny(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(int index, DeliveryCount count, int window, string topic, IActorRef mediator, WriterPacing pacing = WriterPacing.DeliveryCounters) =>
        Akka.Actor.Props.Create(() => new FanOutNode(index, count, window, topic, mediator, pacing));

    protected override void PreStart() => Timers.StartPeriodicTimer("pump", Pump.Instance, TimeSpan.FromMilliseconds(5));

    private bool HasRoom() => _pacing == WriterPacing.GroupAnswers
        ? _awaitingReply.Count < _window
        : _count.Outstanding(_index, _sent) < _window;

    private void SendMore()
    {
        if (!_started || _backedOff) return;
        while ((_retry.Count > 0 || _next < _count.Sends(_index)) && HasRoom())
        {
            var payload = _retry.Count > 0 ? _retry.Pop() : DeliveryCount.Payload(_index, _next++);
            _sent++;
            if (_pubSub)
            {
                _mediator.Tell(new Publish(_topic, payload), Self);
            }
            else
            {
                _awaitingReply.Enqueue(payload);
                _group!.Tell(new Broadcast(payload, DeliveryOrder.Causal, ImmutableArray<MessageId>.Empty), Self);
            }
        }
    }
}
