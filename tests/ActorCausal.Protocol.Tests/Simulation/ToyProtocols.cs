using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>How a <see cref="ToyMember"/> decides that a received message may be delivered.</summary>
internal enum ToyDelivery
{
    /// <summary>On arrival (duplicates dropped): FIFO only if the links are.</summary>
    OnArrival,
    /// <summary>Hold back until the sender's previous messages are delivered.</summary>
    Fifo,
    /// <summary>Birman–Schiper–Stephenson: VC[s] = D[s] + 1 and VC[k] &lt;= D[k] otherwise. Correct for causal-only workloads.</summary>
    Causal,
}

/// <summary>
/// A deliberately tiny broadcast protocol to exercise the simulator and the checker end to end, independently of
/// <see cref="GroupMember"/>: send to all, deliver own messages at once, hold back per <see cref="ToyDelivery"/>,
/// never retransmit. <see cref="BufferedMessages"/> counts held-back messages.
/// </summary>
internal sealed class ToyMember : ISimulatedMember
{
    private readonly MemberId _self;
    private readonly GroupView _view;
    private readonly int _rank;
    private readonly ToyDelivery _delivery;
    private readonly long[] _delivered;
    private readonly HashSet<MessageId> _seen = new();
    private readonly List<DataMessage> _pending = new();
    private readonly List<Effect> _effects = new();
    private long _sequence;

    public ToyMember(MemberId self, GroupView view, ToyDelivery delivery)
    {
        _self = self;
        _view = view;
        _rank = view.RankOf(self);
        _delivery = delivery;
        _delivered = new long[view.Size];
    }

    public static SimulatedMemberFactory Factory(ToyDelivery delivery) => (self, view, _) => new ToyMember(self, view, delivery);

    public int BufferedMessages => _pending.Count;

    public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn)
    {
        _sequence++;
        var clock = (long[])_delivered.Clone();
        clock[_rank] = _sequence;
        var message = new DataMessage(_view.Id, _rank, _sequence, order, VectorClock.Of(clock), VectorClock.Zero(_view.Size),
            new HlcTimestamp(0, 0), dependsOn?.ToImmutableArray() ?? ImmutableArray<MessageId>.Empty, payload);
        _seen.Add(message.Id);
        _effects.Add(new SendToAll(message));
        Deliver(message);
        return BroadcastResult.Sent(message.Id);
    }

    public void Receive(MemberId from, ProtocolMessage message)
    {
        if (message is not DataMessage data || !_seen.Add(data.Id)) return;
        _pending.Add(data);
        bool progress;
        do
        {
            progress = false;
            for (var k = 0; k < _pending.Count; k++)
            {
                if (!Deliverable(_pending[k])) continue;
                var next = _pending[k];
                _pending.RemoveAt(k);
                Deliver(next);
                progress = true;
                break;
            }
        } while (progress);
    }

    private bool Deliverable(DataMessage m)
    {
        if (_delivery == ToyDelivery.OnArrival) return true;
        if (m.Sequence != _delivered[m.Sender] + 1) return false;
        if (_delivery == ToyDelivery.Fifo) return true;
        for (var k = 0; k < _delivered.Length; k++)
        {
            if (k != m.Sender && m.Clock[k] > _delivered[k]) return false;
        }
        return true;
    }

    private void Deliver(DataMessage m)
    {
        _delivered[m.Sender] = Math.Max(_delivered[m.Sender], m.Sequence);
        _effects.Add(new Deliver(m, _view.Members[m.Sender]));
    }

    public void Tick(long nowMs) { }

    public int DrainEffects(List<Effect> destination)
    {
        var count = _effects.Count;
        destination.AddRange(_effects);
        _effects.Clear();
        return count;
    }
}
