using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>GroupStatus.ProtocolMessagesSentByKind: what each protocol message sent is for.</summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class ProtocolMessageCountTests(ThreeNodeClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_data_message_to_every_member_is_a_broadcast_and_to_one_member_a_retransmission()
    {
        var data = new DataMessage(1, 0, 1, DeliveryOrder.Causal, VectorClock.Zero(2), VectorClock.Zero(2), default, [], "x");
        Assert.Equal(ProtocolMessageKind.Data, SentMessageCounts.KindOf(data, toEveryMember: true));
        Assert.Equal(ProtocolMessageKind.Retransmission, SentMessageCounts.KindOf(data, toEveryMember: false));
        var id = new MessageId(1, 0, 1);
        Assert.Equal(ProtocolMessageKind.Proposal, SentMessageCounts.KindOf(new Proposal(1, id, default, false), false));
        Assert.Equal(ProtocolMessageKind.ProposalRetry, SentMessageCounts.KindOf(new Proposal(1, id, default, true), false));
        Assert.Equal(ProtocolMessageKind.Gossip, SentMessageCounts.KindOf(new StabilityGossip(1, VectorClock.Zero(2)), true));
        Assert.Equal(ProtocolMessageKind.SafeAck, SentMessageCounts.KindOf(new StabilityGossip(1, VectorClock.Zero(2)) { Held = VectorClock.Zero(2) }, true));
        Assert.Equal(ProtocolMessageKind.StabilityReport, SentMessageCounts.KindOf(new StabilityGossip(1, VectorClock.Zero(2)), false));
    }

    [Theory]
    [InlineData(DeliveryOrder.Causal)]
    [InlineData(DeliveryOrder.Total)]
    public async Task Each_broadcast_goes_once_to_every_other_member_and_total_order_adds_proposals_and_finals(DeliveryOrder order)
    {
        const int perMember = 60;
        var group = await RecordedGroup.JoinAsync($"counts-{order}", fixture.Nodes.Systems, new GroupMemberSettings { TotalOrder = TotalOrderMode.ThreeStep });
        await group.WaitForFullViewAsync(Generous);
        var before = await group.StatusesAsync();

        foreach (var s in group.Subscribers) s.Tell(new RecordingSubscriber.Burst(perMember, order));
        var members = group.Systems.Count;
        await group.WaitForDeliveriesAsync(perMember * members, Generous);
        var after = await group.StatusesAsync();

        for (var i = 0; i < members; i++)
        {
            long Sent(ProtocolMessageKind kind) => after[i].ProtocolMessagesSentOf(kind) - before[i].ProtocolMessagesSentOf(kind);
            output.WriteLine($"{after[i].Self}: " + string.Join(", ", Enum.GetValues<ProtocolMessageKind>().Select(k => $"{k} {Sent(k)}")));
            Assert.Equal(perMember * (members - 1), Sent(ProtocolMessageKind.Data));
            if (order == DeliveryOrder.Total)
            {
                // Three-step: a final for each own message to every other member; a proposal for each other member's message (batched per input, so at least one).
                Assert.True(Sent(ProtocolMessageKind.Final) >= perMember * (members - 1), $"finals {Sent(ProtocolMessageKind.Final)}");
                Assert.True(Sent(ProtocolMessageKind.Proposal) > 0, "proposals");
            }
            else
            {
                Assert.Equal(0, Sent(ProtocolMessageKind.Proposal) + Sent(ProtocolMessageKind.ProposalRetry) + Sent(ProtocolMessageKind.Final));
            }
        }
    }
}
