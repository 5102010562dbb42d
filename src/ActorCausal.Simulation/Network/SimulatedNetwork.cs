using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation.Network;

/// <summary>
/// The simulated network between member slots: per-copy delay, loss and duplication drawn from the network stream of
/// the seed; FIFO links (never before an earlier copy on the same link) or reordering; and, with faults, what breaks
/// links: a cut per directed link from a time on (a crash's grace, a node's shutdown, Akka's quarantine after a removal,
/// an indirectly connected pair), a split between two sides, a per-message receiver filter (a broadcast whose data
/// reaches only some members), and dead processes. <see cref="Receive"/> passes each arriving message through the wire
/// option (<see cref="SimulationOptions.Wire"/>).
/// </summary>
/// <remarks>
/// Copies in flight are events on the simulator's one event queue (<see cref="Send"/> hands back their arrival times), so
/// that network, timers and faults share one virtual clock and one tie-break order. A copy is dropped when it is sent
/// over a broken link and again when it arrives over one.
/// </remarks>
internal sealed class SimulatedNetwork
{
    private readonly SimulationOptions _options;
    private readonly DeterministicRandom _random;
    private readonly bool _breakable;
    private readonly List<bool> _dead = new();
    private readonly Dictionary<MessageId, (int From, HashSet<int> Receivers)> _dataFilter = new();
    private long[] _lastArrival;
    private long[]? _cutAfter;
    private HashSet<int>? _split;
    private Dictionary<int, long>? _splitLate;
    private int _stride;

    /// <param name="breakable">Links can break (fault schedules); without it, only delay, loss and duplication apply.</param>
    public SimulatedNetwork(SimulationOptions options, DeterministicRandom random, int slots, bool breakable)
    {
        _options = options;
        _random = random;
        _breakable = breakable;
        _stride = Math.Max(1, slots);
        _lastArrival = new long[_stride * _stride];
        if (breakable)
        {
            _cutAfter = new long[_stride * _stride];
            Array.Fill(_cutAfter, long.MaxValue);
        }
    }

    /// <summary>Messages handed to the network (before loss and duplication).</summary>
    public long Transmissions { get; private set; }

    /// <summary><see cref="Transmissions"/> by <see cref="MessageKinds.Of"/>.</summary>
    public Dictionary<string, long> TransmissionsByKind { get; } = new();

    /// <summary>The longest delay of a copy.</summary>
    public int MaxDelayMs => _options.ConstantDelayMs ?? _options.MaxDelayMs;

    /// <summary>Slot <paramref name="slot"/> exists from now on.</summary>
    public void AddSlot(int slot)
    {
        while (_dead.Count <= slot) _dead.Add(false);
        if (slot >= _stride) Grow();
    }

    /// <summary>
    /// Sends <paramref name="message"/> from <paramref name="from"/> to <paramref name="to"/> at <paramref name="now"/>:
    /// returns how many copies get through (0, 1 or 2), with their arrival times in <paramref name="first"/> and
    /// <paramref name="second"/>.
    /// </summary>
    public int Send(int from, int to, ProtocolMessage message, long now, out long first, out long second)
    {
        first = second = 0;
        Transmissions++;
        var kind = MessageKinds.Of(message);
        TransmissionsByKind[kind] = TransmissionsByKind.GetValueOrDefault(kind) + 1;
        if (_breakable && DropsAtSend(from, to, message, now)) return 0;
        var sent = 0;
        var copies = _random.Chance(_options.Duplication) ? 2 : 1;
        for (var c = 0; c < copies; c++)
        {
            if (_random.Chance(_options.Loss)) continue;
            var delay = _options.ConstantDelayMs ?? _random.NextInt(_options.MinDelayMs, _options.MaxDelayMs);
            var at = now + delay;
            if (!_options.Reorder)
            {
                ref var last = ref _lastArrival[from * _stride + to];
                if (at < last) at = last;
                last = at;
            }
            if (sent++ == 0) first = at;
            else second = at;
        }
        return sent;
    }

    /// <summary>
    /// The arrival time of a driver message (an announcement, ack or answer) sent at <paramref name="now"/> with
    /// <paramref name="delay"/>: on FIFO links it travels on the same connection as the protocol's messages, so it arrives
    /// after what was sent before it and delays what is sent after it (a late announcement is a slow connection).
    /// </summary>
    public long ArrivalOnLink(int from, int to, long now, long delay)
    {
        var at = now + delay;
        if (_options.Reorder) return at;
        ref var last = ref _lastArrival[from * _stride + to];
        if (at < last) at = last;
        last = at;
        return at;
    }

    /// <summary>A copy on the link from → to that arrives at <paramref name="time"/> is lost there.</summary>
    public bool DropsOnArrival(int from, int to, long time) => _breakable && LinkDown(from, to, time);

    /// <summary>What the receiver's protocol gets: the message after the wire option (serialized and parsed back) if set.</summary>
    public ProtocolMessage Receive(MemberId from, MemberId to, ProtocolMessage message) =>
        _options.Wire is { } wire ? wire(from, to, message) : message;

    /// <summary>The process at <paramref name="slot"/> is dead (crashed or shut down): everything to it is lost.</summary>
    public void Kill(int slot) => _dead[slot] = true;

    /// <summary>The link from → to loses every copy that arrives after <paramref name="time"/> (replacing an earlier cut).</summary>
    public void CutAfter(int from, int to, long time) => _cutAfter![from * _stride + to] = time;

    /// <summary>The link from → to loses every copy after <paramref name="time"/>, or after its earlier cut if sooner.</summary>
    public void CutBy(int from, int to, long time)
    {
        ref var cut = ref _cutAfter![from * _stride + to];
        cut = Math.Min(cut, time);
    }

    /// <summary>Links between <paramref name="side"/> and every other slot drop everything until <see cref="Heal"/>.</summary>
    public void Split(IEnumerable<int> side) => Split(side, null);

    /// <summary>
    /// As <see cref="Split(IEnumerable{int})"/>, but the links of each slot in <paramref name="late"/> break only from its
    /// time on (a cut that reaches one node's links a moment before another's, as real partitions do).
    /// </summary>
    public void Split(IEnumerable<int> side, Dictionary<int, long>? late)
    {
        _split = side.ToHashSet();
        _splitLate = late;
    }

    public void Heal()
    {
        _split = null;
        _splitLate = null;
    }

    /// <summary>The data of <paramref name="id"/>, sent by <paramref name="from"/>, reaches only <paramref name="receivers"/>.</summary>
    public void RestrictData(MessageId id, int from, IEnumerable<int> receivers) => _dataFilter[id] = (from, receivers.ToHashSet());

    private bool LinkDown(int from, int to, long time)
    {
        if (_dead[to]) return true;
        if (time > _cutAfter![from * _stride + to]) return true;
        if (_split is null || _split.Contains(from) == _split.Contains(to)) return false;
        var inside = _split.Contains(from) ? from : to;
        return _splitLate is null || !_splitLate.TryGetValue(inside, out var at) || time >= at;
    }

    private bool DropsAtSend(int from, int to, ProtocolMessage message, long now)
    {
        if (LinkDown(from, to, now)) return true;
        return _dataFilter.Count > 0 && message is DataMessage d && _dataFilter.TryGetValue(d.Id, out var filter)
            && filter.From == from && !filter.Receivers.Contains(to);
    }

    private void Grow()
    {
        var stride = _stride * 2;
        var last = new long[stride * stride];
        var cut = new long[stride * stride];
        Array.Fill(cut, long.MaxValue);
        for (var a = 0; a < _stride; a++)
        {
            for (var b = 0; b < _stride; b++)
            {
                last[a * stride + b] = _lastArrival[a * _stride + b];
                if (_cutAfter is not null) cut[a * stride + b] = _cutAfter[a * _stride + b];
            }
        }
        _lastArrival = last;
        if (_cutAfter is not null) _cutAfter = cut;
        _stride = stride;
    }
}
