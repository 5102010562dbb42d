using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>ISIS / Skeen sequencer-free total order, claim by claim.</summary>
public class TotalOrderTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    private static ManualNetwork Network(int members, TotalOrderMode mode) =>
        new(members, new GroupMemberSettings { TotalOrder = mode });

    [Fact]
    public void Skeen_three_step_proposals_go_to_the_sender_which_sends_their_maximum_as_final()
    {
        var net = Network(3, TotalOrderMode.ThreeStep);
        net.Broadcast(2, "T2", DeliveryOrder.Total); // m2 proposes 1 for its own T2
        var t0 = net.Broadcast(0, "T0", DeliveryOrder.Total); // m0 proposes 1 for its own T0

        net.Release(Data(2, "T0"));
        var fromM2 = Assert.Single(net.InFlight, f => f.Message is Proposal);
        Assert.Equal(0, fromM2.To);
        Assert.Equal(new Proposal(1, t0, new Priority(2, 2), false), fromM2.Message); // max(agreed 0, proposed 1) + 1

        net.Release(Data(1, "T0"));
        Assert.Equal(new Proposal(1, t0, new Priority(1, 1), false), net.InFlight.Single(f => f.From == 1 && f.Message is Proposal).Message);

        net.Release(f => f.Message is Proposal p && p.Message == t0 && f.From == 1);
        Assert.DoesNotContain(net.InFlight, f => f.Message is FinalPriority);
        net.Release(f => f.Message is Proposal p && p.Message == t0 && f.From == 2);
        var finals = net.InFlight.Where(f => f.Message is FinalPriority).ToList();
        Assert.Equal(2, finals.Count);
        Assert.All(finals, f => Assert.Equal(new FinalPriority(1, t0, new Priority(2, 2)), f.Message));
    }

    [Fact]
    public void Skeen_a_proposal_exceeds_every_agreed_priority_seen()
    {
        var net = Network(3, TotalOrderMode.ThreeStep);
        net.Broadcast(2, "T2", DeliveryOrder.Total);
        net.Broadcast(0, "T0", DeliveryOrder.Total);
        net.Flush(); // T0 and T2 are agreed; the larger final is 2
        var next = net.Broadcast(1, "N", DeliveryOrder.Total);
        net.Release(Data(0, "N"));
        var proposal = (Proposal)net.InFlight.Single(f => f.From == 0 && f.Message is Proposal p && p.Message == next).Message;
        Assert.True(proposal.Priority.Number >= 3, $"proposal {proposal.Priority} must exceed the agreed 2");
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Skeen_a_total_order_message_is_not_delivered_before_its_priority_is_final(TotalOrderMode mode)
    {
        var net = Network(3, mode);
        net.Broadcast(0, "T", DeliveryOrder.Total);
        Assert.Empty(net.Delivered[0]);
        net.Release(Data(1, "T"));
        Assert.Empty(net.Delivered[1]);
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T" }, net.Payloads(i));
    }

    [Fact]
    public void Skeen_two_step_members_decide_without_a_final_message()
    {
        var net = Network(4, TotalOrderMode.TwoStep);
        for (var i = 0; i < 4; i++) net.Broadcast(i, i, DeliveryOrder.Total);
        var finals = 0;
        while (net.InFlight.Count > 0)
        {
            if (net.InFlight[0].Message is FinalPriority) finals++;
            net.Flush(1);
        }
        Assert.Equal(0, finals);
        for (var i = 0; i < 4; i++) Assert.Equal(4, net.Delivered[i].Count);
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Skeen_every_member_delivers_concurrent_total_broadcasts_in_the_same_order(TotalOrderMode mode)
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var net = Network(4, mode);
            var sent = 0;
            while (sent < 12 || net.InFlight.Count > 0)
            {
                if (sent < 12 && random.Next(3) == 0) net.Broadcast(random.Next(4), sent++, DeliveryOrder.Total);
                else if (net.InFlight.Count > 0)
                {
                    var pick = net.InFlight[random.Next(net.InFlight.Count)];
                    net.Release(f => ReferenceEquals(f, pick));
                }
            }
            var first = net.Payloads(0).ToList();
            Assert.Equal(12, first.Count);
            for (var i = 1; i < 4; i++) Assert.True(first.SequenceEqual(net.Payloads(i)), $"seed {seed}: member {i} disagrees");
        }
    }

    [Fact]
    public void Skeen_total_order_is_also_causal()
    {
        var net = Network(3, TotalOrderMode.ThreeStep);
        net.Broadcast(0, "A", DeliveryOrder.Causal);
        net.Release(Data(1, "A"));
        net.Broadcast(1, "T", DeliveryOrder.Total);
        net.Release(Data(2, "T"));
        Assert.DoesNotContain(net.InFlight, f => f.From == 2 && f.Message is Proposal); // not even proposed before A
        net.Flush();
        Assert.Equal(new object[] { "A", "T" }, net.Payloads(2));
    }

    [Fact]
    public void Skeen_one_senders_total_messages_are_proposed_without_waiting_for_each_other()
    {
        var net = Network(3, TotalOrderMode.ThreeStep);
        net.Broadcast(0, 1, DeliveryOrder.Total);
        net.Broadcast(0, 2, DeliveryOrder.Total);
        net.Release(Data(1, 1));
        net.Release(Data(1, 2));
        Assert.Equal(2, net.InFlight.Count(f => f.From == 1 && f.Message is Proposal));
        net.Flush();
        Assert.Equal(new object[] { 1, 2 }, net.Payloads(1));
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void Skeen_proposals_made_while_handling_one_input_travel_as_one_message_per_recipient(TotalOrderMode mode)
    {
        var net = Network(3, mode);
        net.Broadcast(0, 1, DeliveryOrder.Total);
        net.Broadcast(0, 2, DeliveryOrder.Total);
        net.Broadcast(0, 3, DeliveryOrder.Total);
        net.Release(Data(1, 3));
        net.Release(Data(1, 2));
        Assert.DoesNotContain(net.InFlight, f => f.From == 1);
        net.Release(Data(1, 1)); // one input makes all three ready at m1

        var fromM1 = net.InFlight.Where(f => f.From == 1).ToList();
        Assert.Equal(mode == TotalOrderMode.ThreeStep ? new[] { 0 } : new[] { 0, 2 }, fromM1.Select(f => f.To).Order());
        Assert.All(fromM1, f => Assert.Equal(3, Assert.IsType<ProposalBatch>(f.Message).Items.Length));
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { 1, 2, 3 }, net.Payloads(i));
    }
}
