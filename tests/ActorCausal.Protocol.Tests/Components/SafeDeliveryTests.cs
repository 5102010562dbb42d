using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Safe delivery at one member (rank 0 of 3): the stored vectors, the safe condition and acknowledgements, driven through a recording host.</summary>
public class SafeDeliveryTests
{
    private static DataMessage SafeCausal(int sender, long sequence, long[] clock) => Data(sender, sequence, DeliveryOrder.Causal, clock) with { Safe = true };

    [Fact]
    public void A_safe_message_waits_until_every_member_stores_it_and_each_peer_s_acknowledgement_rechecks_it()
    {
        var host = new Host();
        host.Receive(SafeCausal(1, 1, [0, 1, 0]));
        Assert.Empty(host.DeliveredIds);

        host.Safe.LearnPeerStored(1, [0, 1, 0]);
        Assert.Empty(host.DeliveredIds);
        host.Safe.LearnPeerStored(2, [0, 1, 0]);

        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
    }

    [Fact]
    public void Under_majority_two_of_three_storing_it_deliver_it_and_one_alone_does_not()
    {
        var host = new Host(SafeQuorum.Majority);
        var m = SafeCausal(1, 1, [0, 1, 0]);
        host.Receive(m);
        Assert.False(host.Safe.StoredByAtLeast(m, 2));

        host.Safe.LearnPeerStored(2, [0, 1, 0]);

        Assert.True(host.Safe.QuorumStores(m));
        Assert.False(host.Safe.StoredByAtLeast(m, 3));
        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
    }

    [Fact]
    public void A_total_order_message_counts_as_stored_only_once_its_final_priority_is_known()
    {
        var host = new Host();
        var m = Data(1, 1, DeliveryOrder.Total, [0, 1, 0]) with { Safe = true };
        host.ViewState.Logs[1].Put(m, 0);
        Assert.False(host.Safe.StoredByAtLeast(m, 1));

        host.ViewState.Logs[1].SetFinal(1, new Priority(7, 1));

        Assert.True(host.Safe.StoredByAtLeast(m, 1));
        Assert.Equal(1, host.ViewState.Acks.Stored[1]);
    }

    [Fact]
    public void Storing_a_safe_message_acknowledges_it_to_everyone_once_after_the_ack_delay()
    {
        var host = new Host(ackDelayMs: 5);
        host.Receive(SafeCausal(1, 1, [0, 1, 0]));

        host.At(10).Safe.AcknowledgeIfDue();
        Assert.Empty(host.Gossips);
        Assert.Equal(15, host.ViewState.SafeAckDueAt);
        host.At(15).Safe.AcknowledgeIfDue();
        host.At(16).Safe.AcknowledgeIfDue();

        var ack = Assert.Single(host.Gossips);
        Assert.Equal<long>([0, 1, 0], ack.Held!.AsSpan().ToArray());
        Assert.Equal(1, host.Counters.SafeAcksSent);
        Assert.Equal(15, host.LastGossipAt);
    }

    [Fact]
    public void With_no_delay_the_acknowledgement_is_due_when_the_driver_drains_and_not_once_sent()
    {
        var host = new Host(ackDelayMs: 0);
        host.Receive(SafeCausal(1, 1, [0, 1, 0]));
        Assert.True(host.Safe.AckDueOnDrain);

        host.Safe.AcknowledgeIfDue();

        Assert.Single(host.Gossips);
        Assert.False(host.Safe.AckDueOnDrain);
    }

    [Fact]
    public void A_member_that_reported_to_a_flush_acknowledges_nothing_more_and_a_commit_ends_the_safe_wait()
    {
        var host = new Host(ackDelayMs: 0);
        var m = SafeCausal(1, 1, [0, 1, 0]);
        host.Receive(m);
        host.ViewState.Flush = FlushDelivery.Reported;

        host.Safe.AcknowledgeIfDue();
        Assert.Null(host.Safe.StoredForGossip());
        Assert.Empty(host.Gossips);
        Assert.False(host.Safe.WaitOver(m));

        host.ViewState.Flush = new FlushDelivery.Committing([0, 1, 0], []);
        Assert.True(host.Safe.WaitOver(m));
    }

    private sealed class Host : RecordingMember, ISafeDeliveryHost, IDeliveryHost
    {
        public Host(SafeQuorum quorum = SafeQuorum.All, long ackDelayMs = 0) : base(rank: 0, size: 3)
        {
            var settings = new GroupMemberSettings { SafeQuorum = quorum, SafeAckDelayMs = ackDelayMs };
            Total = new TotalOrdering(this, settings, Counters);
            Total.StartView(Size);
            Queues = new DeliveryQueues(this, settings, Counters, Total, new DependencyIndex(64), new HybridLogicalClock(5_000));
            Safe = new SafeDelivery(this, settings, Counters, Total, Queues);
        }

        public TotalOrdering Total { get; }
        public DeliveryQueues Queues { get; }
        public SafeDelivery Safe { get; }
        public MemberPhase Phase => MemberPhase.Normal;
        public long LastGossipAt { get; set; }

        public List<MessageId> DeliveredIds => Effects.OfType<Deliver>().Select(d => d.Message.Id).ToList();
        public List<StabilityGossip> Gossips => Effects.OfType<SendToAll>().Select(s => s.Message).OfType<StabilityGossip>().ToList();

        public Host At(long now)
        {
            Now = now;
            return this;
        }

        public ReceiveOutcome Receive(DataMessage m) => Queues.OnData(Member(m.Sender), m);

        public long[] ReportedDelivered() => ViewState.Delivered;
        public bool SafeAcknowledged(DataMessage m) => Safe.QuorumStores(m);
        public bool DeliverAgreedTotal() => Total.DeliverAgreed();
        public bool CausallyReady(DataMessage m) => Queues.CausalPastDelivered(m);
        public override bool SafeWaitOver(DataMessage m) => Safe.WaitOver(m);
        public void NoteSafe(DataMessage m) => Safe.Note(m);
        public void LearnFrom(DataMessage m) { }
        public override void Pump() => Queues.Pump();
        public override void Deliver(DataMessage m) => Queues.Deliver(m);
    }
}
