using ActorCausal.Protocol;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Benchmarks.Workloads;

/// <summary>
/// Eight <see cref="GroupMember"/>s in one thread on an instant in-memory network: a FIFO queue of (from, to, message)
/// that <see cref="Pump"/> empties. Send goes to one member, SendToAll to each other member, Deliver is counted.
/// Every broadcast has one order: <see cref="DeliveryOrder.Total"/> by default, or causal and the safe orders for the
/// side-by-side figures (the agreement check then only compares the delivered sets' sizes, not their order).
/// </summary>
public sealed class TotalOrderCluster
{
    private readonly GroupMember[] _members;
    private readonly Queue<(int From, int To, ProtocolMessage Message)> _network = new(1024);
    private readonly List<Effect> _effects = new(64);
    private readonly List<MessageId>[]? _deliveryLog;
    private long _nowMs;

    private readonly DeliveryOrder _order;

    public TotalOrderCluster(TotalOrderMode mode, bool recordDeliveries = false, DeliveryOrder order = DeliveryOrder.Total)
    {
        _order = order;
        var settings = new GroupMemberSettings
        {
            TotalOrder = mode,
            MaxUnstable = 1 << 20,
            ReceiveWindow = 1 << 20,
        };
        Settings = settings;
        _members = new GroupMember[BenchGroup.Size];
        for (var i = 0; i < _members.Length; i++) _members[i] = new GroupMember(BenchGroup.Members[i], BenchGroup.View, settings, nowMs: 0);
        if (recordDeliveries)
        {
            _deliveryLog = new List<MessageId>[BenchGroup.Size];
            for (var i = 0; i < _deliveryLog.Length; i++) _deliveryLog[i] = new List<MessageId>();
        }
    }

    public GroupMemberSettings Settings { get; }

    /// <summary>Total-order deliveries summed over all members.</summary>
    public long TotalDeliveries { get; private set; }

    public long OtherDeliveries { get; private set; }

    /// <summary>Protocol messages carried by the network.</summary>
    public long NetworkMessages { get; private set; }

    public long Refusals { get; private set; }

    public long Rejections { get; private set; }

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds; in each, every member broadcasts <paramref name="perMemberPerRound"/>
    /// total-order messages, then the network is pumped until it is empty. Every <paramref name="tickEveryRounds"/> rounds
    /// time advances by one stability interval and every member gets a Tick (gossip frees stable buffers).
    /// </summary>
    public void Run(int rounds, int perMemberPerRound, int tickEveryRounds)
    {
        for (var round = 1; round <= rounds; round++)
        {
            for (var k = 0; k < perMemberPerRound; k++)
            {
                for (var m = 0; m < _members.Length; m++) Broadcast(m);
            }
            Pump();
            if (round % tickEveryRounds == 0) TickAll();
        }
        TickAll();
    }

    private void Broadcast(int rank)
    {
        var member = _members[rank];
        var result = member.Broadcast(BenchGroup.Payload, _order);
        if (!result.Accepted)
        {
            // Back-pressure: let everything settle, let stability catch up, then retry once.
            Refusals++;
            Pump();
            TickAll();
            result = member.Broadcast(BenchGroup.Payload, _order);
            if (!result.Accepted)
                throw new InvalidOperationException($"Broadcast at {member.Self} refused even after stability caught up: {result.Refusal} {result.Reason}");
        }
        Route(rank);
    }

    private void TickAll()
    {
        _nowMs += Settings.StabilityIntervalMs;
        for (var m = 0; m < _members.Length; m++)
        {
            _members[m].Tick(_nowMs);
            Route(m);
        }
        Pump();
    }

    public void Pump()
    {
        var members = BenchGroup.Members;
        while (_network.TryDequeue(out var item))
        {
            NetworkMessages++;
            _members[item.To].Receive(members[item.From], item.Message);
            Route(item.To);
        }
    }

    private void Route(int from)
    {
        var effects = _effects;
        if (_members[from].DrainEffects(effects) == 0) return;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case Deliver d:
                    if (d.Message.RequestedOrder == _order)
                    {
                        TotalDeliveries++;
                        _deliveryLog?[from].Add(d.Message.Id);
                    }
                    else OtherDeliveries++;
                    break;
                case SendToAll all:
                    for (var to = 0; to < _members.Length; to++)
                    {
                        if (to != from) _network.Enqueue((from, to, all.Message));
                    }
                    break;
                case Send send:
                    _network.Enqueue((from, BenchGroup.View.RankOf(send.To), send.Message));
                    break;
                case InputRejected:
                    Rejections++;
                    break;
            }
        }
        effects.Clear();
    }

    /// <summary>Throws unless every member delivered <paramref name="expected"/> total-order messages in the same order.</summary>
    public void VerifyAgreement(long expected, string what)
    {
        if (_deliveryLog is null) throw new InvalidOperationException("Deliveries were not recorded.");
        if (Rejections != 0) throw new InvalidOperationException($"{what}: {Rejections} inputs were rejected.");
        var first = _deliveryLog[0];
        for (var m = 0; m < _deliveryLog.Length; m++)
        {
            var log = _deliveryLog[m];
            if (log.Count != expected)
                throw new InvalidOperationException($"{what}: member {m} delivered {log.Count} of {expected} total-order messages.");
            for (var i = 0; i < log.Count && _order.BaseOrder() == DeliveryOrder.Total; i++)
            {
                if (log[i] != first[i])
                    throw new InvalidOperationException($"{what}: member {m} delivered {log[i]} at position {i}, member 0 delivered {first[i]}.");
            }
        }
        if (new HashSet<MessageId>(first).Count != first.Count)
            throw new InvalidOperationException($"{what}: a message was delivered twice.");
    }
}
