using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// <see cref="GroupMemberSettings.PacedByReader"/>: stability, and so every sender's unstable bound, follows what the
/// readers took (<see cref="GroupMember.Consumed"/>), not what the members delivered.
/// </summary>
public class ConsumptionTests
{
    private static readonly GroupMemberSettings Paced = new() { PacedByReader = true, MaxUnstable = 3 };

    /// <summary>Every member except <paramref name="slow"/> takes everything it delivered.</summary>
    private static void FastReadersTakeAll(ManualNetwork net, int slow)
    {
        for (var i = 0; i < net.Members.Count; i++)
        {
            if (i == slow || !net.Members[i].Settings.PacedByReader) continue;
            foreach (var m in net.Delivered[i].ToList()) net.Do(i, g => g.Consumed(m.Id));
        }
    }

    private static void Settle(ManualNetwork net, int slow)
    {
        for (var round = 0; round < 3; round++)
        {
            net.Flush();
            FastReadersTakeAll(net, slow);
            net.TickAll(net.Members[0].Settings.StabilityIntervalMs);
        }
    }

    [Fact]
    public void A_sender_is_held_to_its_bound_until_the_slowest_reader_takes_its_messages()
    {
        var net = new ManualNetwork(3, Paced);
        for (var i = 1; i <= 3; i++) net.Broadcast(0, i);
        Settle(net, slow: 2);
        Assert.Equal(3, net.Delivered[2].Count); // delivered at the slow member, but not taken

        var refused = net.Members[0].Broadcast(4, DeliveryOrder.Causal);
        Assert.Equal(BroadcastRefusal.BackPressure, refused.Refusal);

        net.Do(2, g => g.Consumed(net.Delivered[2][0].Id));
        Settle(net, slow: 2);
        Assert.True(net.Members[0].Broadcast(4, DeliveryOrder.Causal).Accepted);
        Assert.Equal(BroadcastRefusal.BackPressure, net.Members[0].Broadcast(5, DeliveryOrder.Causal).Refusal);

        Settle(net, slow: 2);
        foreach (var m in net.Delivered[2].ToList()) net.Do(2, g => g.Consumed(m.Id));
        Settle(net, slow: 2);
        Assert.True(net.Members[0].Broadcast(5, DeliveryOrder.Causal).Accepted);
    }

    [Fact]
    public void Messages_stay_buffered_everywhere_until_every_reader_took_them()
    {
        var net = new ManualNetwork(3, Paced);
        net.Broadcast(1, "a");
        net.Broadcast(1, "b");
        Settle(net, slow: 2);
        for (var i = 0; i < 3; i++) Assert.Equal(2, net.Members[i].Status().UnstableBuffered);

        net.Do(2, g => g.Consumed(net.Delivered[2][1].Id)); // taking "b" takes "a" too: a sender's messages are taken in order
        Settle(net, slow: 2);
        for (var i = 0; i < 3; i++) Assert.Equal(0, net.Members[i].Status().UnstableBuffered);
    }

    [Fact]
    public void A_paced_member_waits_for_its_own_reader_too()
    {
        var net = new ManualNetwork(2, Paced);
        for (var i = 1; i <= 3; i++) net.Broadcast(0, i);
        Settle(net, slow: 0);
        Assert.Equal(BroadcastRefusal.BackPressure, net.Members[0].Broadcast(4, DeliveryOrder.Causal).Refusal);

        foreach (var m in net.Delivered[0].ToList()) net.Do(0, g => g.Consumed(m.Id));
        Settle(net, slow: 0);
        Assert.True(net.Members[0].Broadcast(4, DeliveryOrder.Causal).Accepted);
    }

    [Fact]
    public void Without_pacing_delivered_is_consumed_and_the_input_is_refused()
    {
        var net = new ManualNetwork(2, new GroupMemberSettings { MaxUnstable = 3 });
        for (var i = 1; i <= 3; i++) net.Broadcast(0, i);
        Settle(net, slow: -1);
        Assert.True(net.Members[0].Broadcast(4, DeliveryOrder.Causal).Accepted);
        var id = net.Delivered[1][0].Id;
        Assert.Throws<InvalidOperationException>(() => net.Members[1].Consumed(id));
    }

    [Fact]
    public void Taking_a_message_not_delivered_here_is_an_error_and_repeats_or_other_views_change_nothing()
    {
        var net = new ManualNetwork(2, Paced);
        var first = net.Broadcast(0, "x");
        net.Flush();
        var member = net.Members[1];
        Assert.Throws<ArgumentOutOfRangeException>(() => member.Consumed(first with { Sequence = 2 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => member.Consumed(first with { Sender = 5 }));
        Assert.True(member.Consumed(first));
        Assert.False(member.Consumed(first));
        Assert.False(member.Consumed(first with { ViewId = first.ViewId + 1 }));
    }

    [Fact]
    public void A_new_view_starts_with_nothing_taken_and_the_closed_views_messages_no_longer_count()
    {
        var net = new ManualNetwork(3, Paced);
        var old = net.Broadcast(0, "old");
        Settle(net, slow: 1);
        net.Crash(2);
        net.Do(0, m => m.Removed(net.Members[2].Self));
        net.Do(1, m => m.Removed(net.Members[2].Self));
        for (var i = 0; i < 10 && net.Members[1].View.Id == 1; i++) net.TickAll(50);
        Assert.Equal(2, net.Members[1].View.Id);
        Assert.False(net.Members[1].Consumed(old));

        for (var i = 1; i <= 3; i++) net.Broadcast(0, i);
        Settle(net, slow: 1);
        Assert.Equal(BroadcastRefusal.BackPressure, net.Members[0].Broadcast(4, DeliveryOrder.Causal).Refusal);
        foreach (var m in net.Delivered[1].Where(m => m.ViewId == 2).ToList()) net.Do(1, g => g.Consumed(m.Id));
        Settle(net, slow: 1);
        Assert.True(net.Members[0].Broadcast(4, DeliveryOrder.Causal).Accepted);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Under_random_interleavings_no_member_delivers_more_than_max_unstable_beyond_what_every_reader_took(int seed)
    {
        var random = new Random(seed);
        var net = new ManualNetwork(3, Paced);
        var taken = new int[3]; // per member, how many of its deliveries its reader took (in delivery order)
        var sent = 0;
        for (var step = 0; step < 3_000; step++)
        {
            var k = random.Next(3);
            var action = random.Next(10);
            if (action < 2)
            {
                if (net.Members[k].Broadcast(sent, random.Next(2) == 0 ? DeliveryOrder.Causal : DeliveryOrder.Total).Accepted) sent++;
                net.Do(k, _ => { });
            }
            else if (action < 7)
            {
                for (var i = 0; i < 3 && net.InFlight.Count > 0; i++)
                {
                    var flight = net.InFlight[random.Next(net.InFlight.Count)];
                    net.InFlight.Remove(flight);
                    net.Inject(flight.To, flight.From, flight.Message);
                }
            }
            else if (action < 9)
            {
                if (taken[k] < net.Delivered[k].Count && (k != 2 || random.Next(5) == 0)) // member 2 reads slowly
                {
                    net.Do(k, g => g.Consumed(net.Delivered[k][taken[k]].Id));
                    taken[k]++;
                }
            }
            else
            {
                net.TickAll(10, flush: false);
            }
            // A sender is never more than max-unstable ahead of what every reader took, so neither is any member's delivery.
            for (var s = 0; s < 3; s++)
            {
                var takenEverywhere = Enumerable.Range(0, 3).Min(r => net.Delivered[r].Take(taken[r]).Count(m => m.Sender == s));
                for (var m = 0; m < 3; m++)
                    Assert.InRange(net.Delivered[m].Count(d => d.Sender == s) - takenEverywhere, 0, Paced.MaxUnstable);
            }
        }
        Assert.True(net.Members.Sum(m => m.Status().Refused) > 0, "no broadcast was ever held back");

        for (var round = 0; round < 50 && net.Delivered.Any(d => d.Count < sent); round++)
        {
            net.Flush();
            for (var k = 0; k < 3; k++)
            {
                for (; taken[k] < net.Delivered[k].Count; taken[k]++) net.Do(k, g => g.Consumed(net.Delivered[k][taken[k]].Id));
            }
            net.TickAll(50);
        }
        for (var k = 0; k < 3; k++) Assert.Equal(Enumerable.Range(0, sent), net.Payloads(k).Cast<int>().Order());
    }
}
