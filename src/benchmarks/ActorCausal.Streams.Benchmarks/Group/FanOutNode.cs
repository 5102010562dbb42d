using System.Collections.Immutable;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// One node's writer and reader for the actor paths, as the core cluster benchmark's node: it broadcasts its messages
/// keeping at most <c>window</c> of them not yet delivered at every node, and counts what it receives. With a group it
/// is the group's subscriber and tells <see cref="Broadcast"/> to the group actor (a back-pressure refusal is retried);
/// without, it publishes to the topic through the node's DistributedPubSub mediator.
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
    private readonly Stack<byte[]> _retry = new();
    private readonly Queue<byte[]> _awaitingReply = new();
    private IActorRef? _group;
    private bool _started;
    private bool _pubSub;
    private long _sent;
    private int _next;

    public FanOutNode(int index, DeliveryCount count, int window, string topic, IActorRef mediator)
    {
        (_index, _count, _window, _topic, _mediator) = (index, count, window, topic, mediator);
        Receive<Delivered>(d =>
        {
            if (d.Payload is byte[] payload) _count.OnDelivery(_index, payload);
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
            }
            SendMore();
        });
        Receive<Pump>(_ => SendMore());
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

    public static Props Props(int index, DeliveryCount count, int window, string topic, IActorRef mediator) =>
        Akka.Actor.Props.Create(() => new FanOutNode(index, count, window, topic, mediator));

    protected override void PreStart() => Timers.StartPeriodicTimer("pump", Pump.Instance, TimeSpan.FromMilliseconds(5));

    private void SendMore()
    {
        if (!_started) return;
        while ((_retry.Count > 0 || _next < _count.Sends(_index)) && _count.Outstanding(_index, _sent) < _window)
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
