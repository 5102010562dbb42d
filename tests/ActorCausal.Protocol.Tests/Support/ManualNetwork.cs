using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Support;

/// <summary>
/// A hand-driven network for unit tests: effects land in a list of in-flight messages that a test releases
/// one by one, in any order, or drops. Nothing moves unless the test says so.
/// </summary>
internal sealed class ManualNetwork
{
    private readonly List<Effect> _scratch = new();

    public ManualNetwork(int members, GroupMemberSettings? settings = null)
    {
        View = new GroupView(1, Enumerable.Range(0, members).Select(i => new MemberId($"m{i}", 1)));
        Members = View.Members.Select(id => new GroupMember(id, View, settings)).ToArray();
        Delivered = Members.Select(_ => new List<DataMessage>()).ToArray();
        Rejections = Members.Select(_ => new List<InputRejected>()).ToArray();
    }

    public GroupView View { get; }
    public GroupMember[] Members { get; }
    public List<DataMessage>[] Delivered { get; }
    public List<InputRejected>[] Rejections { get; }
    public List<Flight> InFlight { get; } = new();
    public long Now { get; private set; }

    /// <summary>Messages matching this are lost as they are sent.</summary>
    public Func<Flight, bool>? Blackhole { get; set; }

    public sealed record Flight(int From, int To, ProtocolMessage Message);

    public MessageId Broadcast(int member, object payload, DeliveryOrder order = DeliveryOrder.Causal, params MessageId[] dependsOn)
    {
        var result = Members[member].Broadcast(payload, order, dependsOn);
        Assert.True(result.Accepted, $"broadcast refused: {result.Refusal} {result.Reason}");
        Collect(member);
        return result.Id;
    }

    public ReceiveOutcome Inject(int to, int from, ProtocolMessage message) => Inject(to, View.Members[from], message);

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
            Inject(flight.To, flight.From, flight.Message);
        }
    }

    /// <summary>Advances time for every member, then flushes what the ticks produced.</summary>
    public void TickAll(long advanceMs, bool flush = true)
    {
        Now += advanceMs;
        for (var i = 0; i < Members.Length; i++)
        {
            Members[i].Tick(Now);
            Collect(i);
        }
        if (flush) Flush();
    }

    public IEnumerable<object> Payloads(int member) => Delivered[member].Select(m => m.Payload);

    private void Collect(int member)
    {
        _scratch.Clear();
        Members[member].DrainEffects(_scratch);
        foreach (var effect in _scratch)
        {
            switch (effect)
            {
                case Send send:
                    Enqueue(new Flight(member, View.RankOf(send.To), send.Message));
                    break;
                case SendToAll all:
                    for (var k = 0; k < Members.Length; k++)
                    {
                        if (k != member) Enqueue(new Flight(member, k, all.Message));
                    }
                    break;
                case Deliver deliver:
                    Delivered[member].Add(deliver.Message);
                    break;
                case InputRejected rejected:
                    Rejections[member].Add(rejected);
                    break;
            }
        }
    }

    private void Enqueue(Flight flight)
    {
        if (Blackhole?.Invoke(flight) != true) InFlight.Add(flight);
    }
}
