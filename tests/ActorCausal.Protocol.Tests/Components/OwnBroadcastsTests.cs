using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>This member's own broadcasts (rank 1 of 3), driven directly through a recording host.</summary>
public class OwnBroadcastsTests
{
    [Fact]
    public void A_broadcast_carries_the_next_sequence_number_the_member_s_knowledge_and_what_it_reported_delivered_and_is_delivered_here()
    {
        var host = new Host(maxUnstable: 10);
        host.Queues.OnData(host.Member(0), Data(0, 1, DeliveryOrder.Fifo, [1, 0, 0]));

        var result = host.Own.Send("a", DeliveryOrder.Causal, []);
        host.Own.Send("b", DeliveryOrder.Fifo, []);

        var sent = host.Effects.OfType<SendToAll>().Select(s => (DataMessage)s.Message).ToList();
        Assert.Equal<MessageId>([Id(1, 1), Id(1, 2)], sent.Select(m => m.Id));
        Assert.Equal(Id(1, 1), result.Id);
        Assert.Equal<long>([1, 1, 0], sent[0].Clock.AsSpan().ToArray());
        Assert.Equal<long>([1, 0, 0], sent[0].Acks.AsSpan().ToArray());
        Assert.Equal<long>([1, 2, 0], sent[1].Clock.AsSpan().ToArray());
        Assert.Equal<MessageId>([Id(0, 1), Id(1, 1), Id(1, 2)], host.Effects.OfType<Deliver>().Select(d => d.Message.Id));
    }

    [Fact]
    public void At_the_unstable_bound_a_broadcast_is_refused_until_the_others_report_its_messages_delivered()
    {
        var host = new Host(maxUnstable: 2);
        host.Own.SendOrHold("a", DeliveryOrder.Fifo, []);
        host.Own.SendOrHold("b", DeliveryOrder.Fifo, []);

        Assert.False(host.Own.HasRoom);
        Assert.Equal(BroadcastRefusal.BackPressure, host.Own.SendOrHold("c", DeliveryOrder.Fifo, []).Refusal);
        host.ViewState.Acks.LearnDelivered(0, [0, 1, 0]);
        host.ViewState.Acks.LearnDelivered(2, [0, 2, 0]);
        Assert.True(host.Own.HasRoom);

        Assert.Equal(Id(1, 3), host.Own.SendOrHold("c", DeliveryOrder.Fifo, []).Id);
        Assert.Equal(1, host.Counters.Refused);
        Assert.Equal(1, host.ViewState.Logs[1].Stable);
    }

    [Fact]
    public void While_a_view_changes_broadcasts_are_held_with_tickets_and_count_against_the_bound_with_the_unstable_ones()
    {
        var host = new Host(maxUnstable: 3);
        host.Own.SendOrHold("a", DeliveryOrder.Fifo, []);
        host.Phase = MemberPhase.Flushing;

        var first = host.Own.SendOrHold("b", DeliveryOrder.Fifo, []);
        var second = host.Own.SendOrHold("c", DeliveryOrder.Fifo, []);
        Assert.False(host.Own.HasRoom);
        var third = host.Own.SendOrHold("d", DeliveryOrder.Fifo, []);

        Assert.Equal((true, 1L), (first.IsHeld, first.Ticket));
        Assert.Equal((true, 2L), (second.IsHeld, second.Ticket));
        Assert.Equal(BroadcastRefusal.BackPressure, third.Refusal);
        Assert.Single(host.Effects.OfType<SendToAll>());
        Assert.Equal(2, host.Held.Count);
    }

    [Fact]
    public void A_dependency_must_be_a_message_of_the_view_delivered_or_sent_here_and_one_of_an_earlier_view_is_dropped()
    {
        var host = new Host(maxUnstable: 10);
        host.Queues.OnData(host.Member(0), Data(0, 1, DeliveryOrder.Fifo, [1, 0, 0]));
        host.Own.Send("a", DeliveryOrder.Fifo, []);

        Assert.Null(host.Own.ValidateDependencies([Id(0, 1), Id(1, 1), Id(0, 1), new MessageId(ViewId - 1, 2, 5)], out var deps));
        Assert.Equal<MessageId>([Id(0, 1), Id(1, 1)], deps);
        Assert.Contains("not been delivered", host.Own.ValidateDependencies([Id(2, 1)], out _));
        Assert.Contains("not been delivered", host.Own.ValidateDependencies([Id(1, 2)], out _));
        Assert.Contains("not a message of", host.Own.ValidateDependencies([Id(3, 1)], out _));
        Assert.Contains("not a message of", host.Own.ValidateDependencies([new MessageId(ViewId + 1, 0, 1)], out _));
    }

    private sealed class Host : RecordingMember, IOwnBroadcastsHost, IDeliveryHost, IStabilityHost, ILossRepairHost
    {
        public Host(int maxUnstable) : base(rank: 1, size: 3)
        {
            var settings = new GroupMemberSettings { MaxUnstable = maxUnstable };
            var total = new TotalOrdering(this, settings, Counters);
            total.StartView(Size);
            var clock = new HybridLogicalClock(5_000);
            Queues = new DeliveryQueues(this, settings, Counters, total, new DependencyIndex(64), clock);
            var stability = new Stability(this, settings, Counters, new LossRepair(this, settings, Counters, total));
            Own = new OwnBroadcasts(this, settings, Counters, clock, Held, Queues, stability);
        }

        public DeliveryQueues Queues { get; }
        public OwnBroadcasts Own { get; }
        public HeldBroadcasts Held { get; } = new();
        public MemberPhase Phase { get; set; } = MemberPhase.Normal;
        public IReadOnlyList<Effect> PendingEffects => Effects;
        public long LastGossipAt { get; set; }

        public long[] ReportedDelivered() => ViewState.Delivered;
        public void NoteSafe(DataMessage m) { }
        public bool HoldsMergedState(MessageId message) => false;
        public bool CausallyReady(DataMessage m) => Queues.CausalPastDelivered(m);
        public bool DeliverAgreedTotal() => false;
        public void LearnFrom(DataMessage m) { }
        public VectorClock? StoredForGossip() => null;
        public void LearnPeerStored(int peer, ReadOnlySpan<long> stored) { }
        public bool IsActive(int rank) => true;
        public override void Pump() => Queues.Pump();
        public override void Deliver(DataMessage m) => Queues.Deliver(m);
    }
}
