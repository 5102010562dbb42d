using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Stability at one member (rank 0 of 3): buffer release, gossip, stability reports, driven through a recording host.</summary>
public class StabilityTests
{
    [Fact]
    public void A_message_every_member_reported_delivered_leaves_the_buffer_and_one_a_member_has_not_stays()
    {
        var host = new Host();
        host.DeliverHere(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        host.DeliverHere(Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));
        host.Stability.LearnPeerDelivered(1, [0, 2, 0]);
        host.Stability.LearnPeerDelivered(2, [0, 1, 0]);

        host.Stability.Recompute();

        var log = host.ViewState.Logs[1];
        Assert.Equal(1, log.Stable);
        Assert.Null(log.Get(1));
        Assert.NotNull(log.Get(2));
    }

    [Fact]
    public void It_gossips_its_delivered_vector_at_the_stability_interval_after_a_delivery_and_at_the_idle_interval_otherwise()
    {
        var host = new Host();
        host.DeliverHere(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));

        host.At(49).Stability.GossipIfDue();
        Assert.Empty(host.Effects);
        host.At(50).Stability.GossipIfDue();
        var gossip = Assert.IsType<StabilityGossip>(Assert.IsType<SendToAll>(Assert.Single(host.Effects)).Message);
        Assert.Equal<long>([0, 1, 0], gossip.Delivered.AsSpan().ToArray());
        Assert.Equal(50, host.LastGossipAt);

        host.Stability.LearnPeerDelivered(1, [0, 1, 0]);
        host.Stability.LearnPeerDelivered(2, [0, 1, 0]);
        host.Stability.Recompute();
        host.At(549).Stability.GossipIfDue();
        Assert.Single(host.Effects);
        host.At(550).Stability.GossipIfDue();
        Assert.Equal(2, host.Effects.Count);
    }

    [Fact]
    public void A_sender_is_told_alone_once_a_quarter_of_the_unstable_bound_more_of_its_messages_was_delivered_unless_the_batch_tells_everyone()
    {
        var host = new Host();
        host.DeliverHere(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        host.DeliverHere(Data(2, 1, DeliveryOrder.Fifo, [0, 0, 1]));
        host.Stability.SendDueReports();
        Assert.Empty(host.Effects);

        host.DeliverHere(Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));
        host.DeliverHere(Data(2, 2, DeliveryOrder.Fifo, [0, 0, 2]));
        host.Emit(new SendToAll(new StabilityGossip(ViewId, VectorClock.Wrap([0, 0, 2]))));
        Assert.True(host.Stability.ReportDue);
        host.Stability.SendDueReports();

        var report = Assert.IsType<StabilityGossip>(Assert.Single(host.SentTo(1)));
        Assert.Equal<long>([0, 2, 2], report.Delivered.AsSpan().ToArray());
        Assert.Empty(host.SentTo(2));
        Assert.False(host.Stability.ReportDue);
        Assert.Equal(1, host.Counters.StabilityReportsSent);
    }

    [Fact]
    public void A_gossip_teaches_what_its_sender_delivered_and_stores_and_only_its_sender_s_own_stored_entry_counts_as_shown_by_the_sender()
    {
        var host = new Host();

        var outcome = host.Stability.OnGossip(host.Member(1), 1, new StabilityGossip(ViewId, VectorClock.Wrap([0, 0, 1])) { Held = VectorClock.Wrap([0, 2, 1]) });

        Assert.Equal(ReceiveStatus.Accepted, outcome.Status);
        Assert.Equal(1, host.ViewState.Acks.DeliveredBy(1, 2));
        Assert.Equal<long[]>([[0, 2, 1], [0, 0, 1]], host.Stored.Where(s => s.Peer == 1).Select(s => s.Stored));
        Assert.Equal((2, 2), (host.ViewState.Logs[1].KnownMax, host.ViewState.Logs[1].ShownBySender));
        Assert.Equal((1, 0), (host.ViewState.Logs[2].KnownMax, host.ViewState.Logs[2].ShownBySender));
    }

    [Fact]
    public void A_gossip_of_another_dimension_or_claiming_more_of_this_member_s_messages_than_it_sent_is_refused_and_teaches_nothing()
    {
        var host = new Host();
        var from = host.Member(1);

        Assert.Equal(RejectReason.WrongClockDimension, host.Stability.OnGossip(from, 1, new StabilityGossip(ViewId, VectorClock.Wrap([0, 1]))).Reason);
        Assert.Equal(RejectReason.Malformed, host.Stability.OnGossip(from, 1, new StabilityGossip(ViewId, VectorClock.Wrap([1, 0, 0]))).Reason);
        Assert.Equal(RejectReason.WrongClockDimension,
            host.Stability.OnGossip(from, 1, new StabilityGossip(ViewId, VectorClock.Wrap([0, 0, 1])) { Held = VectorClock.Wrap([0, 1]) }).Reason);
        Assert.Equal(RejectReason.Malformed,
            host.Stability.OnGossip(from, 1, new StabilityGossip(ViewId, VectorClock.Wrap([0, 0, 1])) { Held = VectorClock.Wrap([1, 0, 1]) }).Reason);

        Assert.Equal(0, host.ViewState.Acks.DeliveredBy(1, 2));
        Assert.Empty(host.Stored);
    }

    private sealed class Host : RecordingMember, IStabilityHost, ILossRepairHost
    {
        public Host() : base(rank: 0, size: 3)
        {
            var settings = new GroupMemberSettings { StabilityIntervalMs = 50, IdleGossipIntervalMs = 500, MaxUnstable = 8 };
            var repair = new LossRepair(this, settings, Counters, new TotalOrdering(this, settings, Counters));
            Stability = new Stability(this, settings, Counters, repair);
        }

        public Stability Stability { get; }
        public List<(int Peer, long[] Stored)> Stored { get; } = new();
        public MemberPhase Phase => MemberPhase.Normal;
        public IReadOnlyList<Effect> PendingEffects => Effects;
        public long LastGossipAt { get; set; }

        public Host At(long now)
        {
            Now = now;
            return this;
        }

        /// <summary>Received and delivered here, as the delivery would leave it.</summary>
        public void DeliverHere(DataMessage m)
        {
            var log = ViewState.Logs[m.Sender];
            log.Put(m, Now);
            log.Delivered = log.ReadyUpTo = m.Sequence;
            ViewState.Acks.MarkDelivered(m.Sender, m.Sequence);
            ViewState.DeliveredChanged = true;
        }

        public long[] ReportedDelivered() => ViewState.Delivered;
        public VectorClock? StoredForGossip() => null;
        public void LearnPeerStored(int peer, ReadOnlySpan<long> stored) => Stored.Add((peer, stored.ToArray()));
        public bool IsActive(int rank) => true;
    }
}
