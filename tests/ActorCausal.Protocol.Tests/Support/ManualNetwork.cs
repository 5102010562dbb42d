using System.Text;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Support;

/// <summary>
/// A hand-driven network for unit tests: effects land in a list of in-flight messages that a test releases
/// one by one, in any order, or drops. Nothing moves unless the test says so. Members are numbered in the order
/// they were created (founders first, then joiners); a crashed member neither receives nor ticks.
/// </summary>
internal sealed class ManualNetwork
{
    private readonly List<Effect> _scratch = new();
    private readonly Dictionary<MemberId, int> _index = new();
    private readonly GroupMemberSettings? _settings;

    public ManualNetwork(int members, GroupMemberSettings? settings = null)
    {
        _settings = settings;
        View = new GroupView(1, Enumerable.Range(0, members).Select(i => new MemberId($"m{i}", 1)));
        foreach (var id in View.Members) Add(new GroupMember(id, View, settings));
    }

    public GroupView View { get; }
    public List<GroupMember> Members { get; } = new();
    public List<List<DataMessage>> Delivered { get; } = new();
    public List<List<InputRejected>> Rejections { get; } = new();
    public List<List<Effect>> Events { get; } = new();
    public HashSet<int> Crashed { get; } = new();
    public List<Flight> InFlight { get; } = new();
    public long Now { get; private set; }

    /// <summary>Messages matching this are lost as they are sent.</summary>
    public Func<Flight, bool>? Blackhole { get; set; }

    public sealed record Flight(int From, int To, ProtocolMessage Message);

    public int IndexOf(MemberId id) => _index[id];

    /// <summary>Starts a member outside the group; the test tells the members with <see cref="GroupMember.JoinRequested"/>.</summary>
    public int AddJoiner(string address, long incarnation = 1) =>
        Add(GroupMember.Joining(new MemberId(address, incarnation), _settings, Now));

    public MessageId Broadcast(int member, object payload, DeliveryOrder order = DeliveryOrder.Causal, params MessageId[] dependsOn)
    {
        var result = Members[member].Broadcast(payload, order, dependsOn);
        Assert.True(result.Accepted, $"broadcast refused: {result.Refusal} {result.Reason}");
        Collect(member);
        return result.Id;
    }

    /// <summary>Feeds an input to a member and collects its effects.</summary>
    public void Do(int member, Action<GroupMember> input)
    {
        input(Members[member]);
        Collect(member);
    }

    /// <summary>Feeds the same input to every live member.</summary>
    public void DoAll(Action<GroupMember> input)
    {
        for (var i = 0; i < Members.Count; i++)
        {
            if (!Crashed.Contains(i)) Do(i, input);
        }
    }

    public void Crash(int member)
    {
        Crashed.Add(member);
        InFlight.RemoveAll(f => f.To == member);
    }

    public ReceiveOutcome Inject(int to, int from, ProtocolMessage message) => Inject(to, Members[from].Self, message);

    public ReceiveOutcome Inject(int to, MemberId from, ProtocolMessage message)
    {
        var outcome = Members[to].Receive(from, message);
        Collect(to);
        return outcome;
    }

    /// <summary>Releases the first in-flight message matching <paramref name="match"/>.</summary>
    public Flight Release(Func<Flight, bool> match)
    {
        var index = InFlight.FindIndex(f => match(f));
        Assert.True(index >= 0, "no in-flight message matches");
        var flight = InFlight[index];
        InFlight.RemoveAt(index);
        Inject(flight.To, flight.From, flight.Message);
        return flight;
    }

    public int Drop(Func<Flight, bool> match) => InFlight.RemoveAll(f => match(f));

    /// <summary>Releases in-flight messages in FIFO order until none is left (or <paramref name="max"/> releases).</summary>
    public void Flush(int max = 1_000_000)
    {
        for (var i = 0; i < max && InFlight.Count > 0; i++)
        {
            var flight = InFlight[0];
            InFlight.RemoveAt(0);
            if (!Crashed.Contains(flight.To)) Inject(flight.To, flight.From, flight.Message);
        }
    }

    /// <summary>Advances time for every live member, then flushes what the ticks produced.</summary>
    public void TickAll(long advanceMs, bool flush = true)
    {
        Now += advanceMs;
        for (var i = 0; i < Members.Count; i++)
        {
            if (!Crashed.Contains(i)) Do(i, m => m.Tick(Now));
        }
        if (flush) Flush();
    }

    public IEnumerable<object> Payloads(int member) => Delivered[member].Select(m => m.Payload);

    public IEnumerable<T> EventsOf<T>(int member) where T : Effect => Events[member].OfType<T>();

    /// <summary>What the application at <paramref name="member"/> holds: a loaded snapshot, then its deliveries.</summary>
    public List<string> State(int member) => _states[member];

    private readonly List<List<string>> _states = new();

    private int Add(GroupMember member)
    {
        _index[member.Self] = Members.Count;
        Members.Add(member);
        Delivered.Add(new List<DataMessage>());
        Rejections.Add(new List<InputRejected>());
        Events.Add(new List<Effect>());
        _states.Add(new List<string>());
        return Members.Count - 1;
    }

    private void Collect(int member)
    {
        _scratch.Clear();
        Members[member].DrainEffects(_scratch);
        foreach (var effect in _scratch)
        {
            Events[member].Add(effect);
            switch (effect)
            {
                case Send send:
                    Enqueue(new Flight(member, _index[send.To], send.Message));
                    break;
                case SendToAll all:
                    foreach (var to in Members[member].View.Members)
                    {
                        if (to != Members[member].Self) Enqueue(new Flight(member, _index[to], all.Message));
                    }
                    break;
                case Deliver deliver:
                    Delivered[member].Add(deliver.Message);
                    _states[member].Add(deliver.Message.Payload.ToString()!);
                    break;
                case InputRejected rejected:
                    Rejections[member].Add(rejected);
                    break;
                case TakeSnapshot take:
                    Members[member].ProvideSnapshot(take.ViewId, Encoding.UTF8.GetBytes(string.Join("\n", _states[member])));
                    break;
                case LoadSnapshot load:
                    var text = Encoding.UTF8.GetString(load.Snapshot.Span);
                    _states[member].Clear();
                    if (text.Length > 0) _states[member].AddRange(text.Split('\n'));
                    break;
            }
        }
        // ProvideSnapshot may have produced effects (a welcome) of its own.
        if (Members[member].HasPendingEffects) Collect(member);
    }

    private void Enqueue(Flight flight)
    {
        if (Blackhole?.Invoke(flight) != true) InFlight.Add(flight);
    }
}
