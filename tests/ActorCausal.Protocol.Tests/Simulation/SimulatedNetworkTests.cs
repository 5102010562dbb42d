using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Network;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>The simulated network on its own: link delays and order, and each way a link breaks.</summary>
public class SimulatedNetworkTests
{
    private static readonly ProtocolMessage Probe = new Nak(1, 0, 1, 1);

    private static SimulatedNetwork Network(SimulationOptions options, bool breakable = true, int slots = 3)
    {
        var net = new SimulatedNetwork(options, DeterministicRandom.ForStream(9, 2), slots, breakable);
        for (var s = 0; s < slots; s++) net.AddSlot(s);
        return net;
    }

    private static readonly SimulationOptions Lossless = new() { MinDelayMs = 1, MaxDelayMs = 30 };

    [Fact]
    public void A_fifo_link_never_delivers_a_copy_before_an_earlier_one_and_every_copy_takes_a_delay_in_range()
    {
        var net = Network(Lossless);
        long last = 0;
        for (var now = 0L; now < 200; now++)
        {
            Assert.Equal(1, net.Send(0, 1, Probe, now, out var at, out _));
            Assert.True(at >= last, $"copy sent at {now} arrives at {at}, before the previous copy at {last}");
            Assert.True(at >= now + 1);
            last = at;
        }
        Assert.Equal(200, net.Transmissions);
    }

    [Fact]
    public void Duplication_one_gives_two_copies_and_loss_near_one_loses_almost_all()
    {
        var dup = Network(Lossless with { Duplication = 1 });
        Assert.Equal(2, dup.Send(0, 1, Probe, 0, out _, out _));
        var lossy = Network(Lossless with { Loss = 0.999 });
        var through = Enumerable.Range(0, 100).Sum(t => lossy.Send(0, 1, Probe, t, out _, out _));
        Assert.InRange(through, 0, 5);
    }

    [Fact]
    public void A_cut_link_drops_what_arrives_after_the_cut_in_that_direction_only()
    {
        var net = Network(Lossless);
        net.CutAfter(0, 1, 100);
        Assert.False(net.DropsOnArrival(0, 1, 100));
        Assert.True(net.DropsOnArrival(0, 1, 101));
        Assert.False(net.DropsOnArrival(1, 0, 500));
        net.CutBy(0, 1, 300); // a later cut does not reopen the link
        Assert.True(net.DropsOnArrival(0, 1, 101));
        Assert.Equal(0, net.Send(0, 1, Probe, 150, out _, out _));
    }

    [Fact]
    public void A_split_drops_across_the_sides_until_it_heals_and_a_dead_process_receives_nothing()
    {
        var net = Network(Lossless);
        net.Split([2]);
        Assert.True(net.DropsOnArrival(0, 2, 5));
        Assert.True(net.DropsOnArrival(2, 1, 5));
        Assert.False(net.DropsOnArrival(0, 1, 5));
        net.Heal();
        Assert.False(net.DropsOnArrival(0, 2, 6));
        net.Kill(1);
        Assert.True(net.DropsOnArrival(0, 1, 7));
        Assert.False(net.DropsOnArrival(1, 0, 7));
    }

    [Fact]
    public void Restricted_data_reaches_only_its_receivers_and_other_messages_pass()
    {
        var net = Network(Lossless);
        var data = new DataMessage(1, 0, 1, DeliveryOrder.Fifo, null!, null!, default, [], "x");
        net.RestrictData(data.Id, 0, [2]);
        Assert.Equal(0, net.Send(0, 1, data, 0, out _, out _));
        Assert.Equal(1, net.Send(0, 2, data, 0, out _, out _));
        Assert.Equal(1, net.Send(0, 1, Probe, 0, out _, out _));
    }

    [Fact]
    public void Without_faults_links_never_break_and_the_wire_option_sees_every_arrival()
    {
        var seen = new List<(MemberId, MemberId)>();
        var net = Network(Lossless with { Wire = (f, t, m) => { seen.Add((f, t)); return m; } }, breakable: false);
        Assert.False(net.DropsOnArrival(0, 1, long.MaxValue));
        var a = new MemberId("a", 1);
        var b = new MemberId("b", 1);
        Assert.Same(Probe, net.Receive(a, b, Probe));
        Assert.Equal([(a, b)], seen);
    }

    [Fact]
    public void Links_of_slots_added_later_start_open()
    {
        var net = Network(Lossless, slots: 2);
        net.CutAfter(0, 1, 10);
        net.AddSlot(2);
        net.AddSlot(3);
        Assert.True(net.DropsOnArrival(0, 1, 11));
        Assert.False(net.DropsOnArrival(0, 3, 1_000));
        Assert.False(net.DropsOnArrival(3, 2, 1_000));
    }
}
