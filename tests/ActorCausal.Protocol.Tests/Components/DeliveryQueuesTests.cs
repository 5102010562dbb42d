using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Receiving and delivering data messages at one member (rank 0 of 3), driven directly through a recording host.</summary>
public class DeliveryQueuesTests
{
    [Fact]
    public void A_sender_s_later_message_waits_for_its_earlier_one_then_both_deliver_in_sending_order()
    {
        var host = new Host();

        host.Receive(Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));
        Assert.Empty(host.DeliveredIds);
        host.Receive(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));

        Assert.Equal<MessageId>([Id(1, 1), Id(1, 2)], host.DeliveredIds);
        Assert.Equal<long>([0L, 2, 0], host.ViewState.Delivered);
    }

    [Fact]
    public void A_causal_message_waits_for_what_its_sender_had_delivered_and_its_sender_s_later_messages_wait_behind_it()
    {
        var host = new Host();

        host.Receive(Data(2, 1, DeliveryOrder.Causal, [0, 1, 1]));
        host.Receive(Data(2, 2, DeliveryOrder.Fifo, [0, 1, 2]));
        Assert.Empty(host.DeliveredIds);
        host.Receive(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));

        Assert.Equal<MessageId>([Id(1, 1), Id(2, 1), Id(2, 2)], host.DeliveredIds);
    }

    [Fact]
    public void An_explicit_message_waits_only_for_the_messages_it_names()
    {
        var host = new Host();

        host.Receive(Data(2, 1, DeliveryOrder.Explicit, [0, 2, 1]));
        Assert.Equal<MessageId>([Id(2, 1)], host.DeliveredIds);
        host.Receive(Data(2, 2, DeliveryOrder.Explicit, [0, 2, 2], Id(1, 2)));
        host.Receive(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        Assert.Equal<MessageId>([Id(2, 1), Id(1, 1)], host.DeliveredIds);
        host.Receive(Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));

        Assert.Equal<MessageId>([Id(2, 1), Id(1, 1), Id(1, 2), Id(2, 2)], host.DeliveredIds);
        Assert.Equal<MessageId>([Id(2, 2)], host.Dependencies.Dependents(Id(1, 2)));
    }

    [Fact]
    public void Cut_off_from_a_majority_it_delivers_nothing_until_a_peer_is_reachable_again()
    {
        var host = new Host();
        host.Queues.Reachability(unreachablePeers: 2);

        host.Receive(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        Assert.Equal(DeliveryMode.CutOff, host.Queues.Mode);
        Assert.Empty(host.DeliveredIds);
        host.Queues.Reachability(unreachablePeers: 1);

        Assert.Equal(DeliveryMode.Normal, host.Queues.Mode);
        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
    }

    [Fact]
    public void Reported_to_a_flush_it_delivers_nothing_and_applying_a_commit_it_delivers_only_up_to_the_cut()
    {
        var host = new Host();
        host.ViewState.Flush = FlushDelivery.Reported;

        host.Receive(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        host.Receive(Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));
        Assert.Equal(DeliveryMode.Frozen, host.Queues.Mode);
        Assert.Empty(host.DeliveredIds);

        host.ViewState.Flush = new FlushDelivery.Committing([0, 1, 0], []);
        host.Queues.Pump();
        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
    }

    [Fact]
    public void A_causal_message_whose_past_lies_beyond_the_commit_s_cut_is_delivered_without_it()
    {
        var host = new Host();
        host.ViewState.Flush = FlushDelivery.Reported;
        host.Receive(Data(2, 1, DeliveryOrder.Causal, [0, 1, 1]));

        host.ViewState.Flush = new FlushDelivery.Committing([0, 0, 1], []);
        host.Queues.Pump();

        Assert.Equal<MessageId>([Id(2, 1)], host.DeliveredIds);
    }

    [Fact]
    public void A_safe_message_waits_for_the_safe_condition_and_counts_as_safe_when_delivered()
    {
        var host = new Host { SafeOver = false };

        host.Receive(Data(1, 1, DeliveryOrder.Causal, [0, 1, 0]) with { Safe = true });
        Assert.Empty(host.DeliveredIds);
        Assert.Equal<MessageId>([Id(1, 1)], host.NotedSafe);
        host.SafeOver = true;
        host.Queues.Pump();

        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
        Assert.Equal(1, host.Counters.SafeDelivered);
    }

    [Fact]
    public void Bad_data_is_refused_with_its_reason_and_changes_nothing_and_a_duplicate_is_counted_once_and_not_delivered_again()
    {
        var host = new Host();
        var good = Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]);

        Assert.Equal(RejectReason.WrongClockDimension, host.Receive(good with { Clock = VectorClock.Wrap([0, 1]) }).Reason);
        Assert.Equal(RejectReason.BeyondWindow, host.Receive(Data(1, 100, DeliveryOrder.Fifo, [0, 100, 0])).Reason);
        Assert.Equal(RejectReason.Malformed, host.Receive(Data(0, 1, DeliveryOrder.Fifo, [1, 0, 0])).Reason);
        Assert.Equal(RejectReason.InvalidDependency, host.Receive(Data(1, 1, DeliveryOrder.Explicit, [0, 1, 0], Id(2, 1))).Reason);
        Assert.Empty(host.DeliveredIds);
        Assert.Equal(0, host.Counters.Received);

        Assert.Equal(ReceiveStatus.Accepted, host.Receive(good).Status);
        Assert.Equal(ReceiveStatus.Duplicate, host.Receive(good).Status);
        Assert.Equal<MessageId>([Id(1, 1)], host.DeliveredIds);
        Assert.Equal(1, host.Counters.Duplicates);
        Assert.Equal(1, host.Counters.Received);
    }

    private sealed class Host : RecordingMember, IDeliveryHost
    {
        public Host() : base(rank: 0, size: 3)
        {
            var settings = new GroupMemberSettings { ReceiveWindow = 16 };
            Total = new TotalOrdering(this, settings, Counters);
            Total.StartView(Size);
            Queues = new DeliveryQueues(this, settings, Counters, Total, Dependencies, new HybridLogicalClock(5_000));
        }

        public TotalOrdering Total { get; }
        public DeliveryQueues Queues { get; }
        public DependencyIndex Dependencies { get; } = new(64);
        public List<MessageId> NotedSafe { get; } = new();
        public bool SafeOver { get; set; } = true;

        public List<MessageId> DeliveredIds => Effects.OfType<Deliver>().Select(d => d.Message.Id).ToList();

        public ReceiveOutcome Receive(DataMessage m) => Queues.OnData(Member(m.Sender), m);

        public bool CausallyReady(DataMessage m) => Queues.CausalPastDelivered(m);
        public override bool SafeWaitOver(DataMessage m) => !m.Safe || SafeOver;
        public bool DeliverAgreedTotal() => Total.DeliverAgreed();
        public void NoteSafe(DataMessage m) { if (m.Safe) NotedSafe.Add(m.Id); }
        public void LearnFrom(DataMessage m) { }
        public override void Pump() => Queues.Pump();
        public override void Deliver(DataMessage m) => Queues.Deliver(m);
    }
}
