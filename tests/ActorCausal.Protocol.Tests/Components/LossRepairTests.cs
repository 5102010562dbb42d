using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Gap detection, NAKs and retransmission at one member (rank 0 of 3), driven directly through a recording host.</summary>
public class LossRepairTests
{
    [Fact]
    public void A_gap_its_sender_has_shown_is_naked_to_the_sender_once_the_initial_delay_passed_and_again_after_a_doubled_wait()
    {
        var host = new Host { Now = 100 };
        host.Repair.LearnExistence(1, 3, fromSender: true);
        host.ViewState.Logs[1].Put(Data(1, 3, DeliveryOrder.Fifo, [0, 3, 0]), host.Now);

        host.At(119).Repair.SendDueNaks();
        Assert.Empty(host.Effects);
        host.At(120).Repair.SendDueNaks();
        Assert.Equal([new Nak(ViewId, 1, 1, 2)], host.SentTo(1));

        host.At(159).Repair.SendDueNaks();
        Assert.Single(host.Effects);
        host.At(160).Repair.SendDueNaks();
        Assert.Equal(2, host.SentTo(1).Count);
        Assert.Equal(2, host.Counters.NaksSent);
    }

    [Fact]
    public void A_gap_only_another_member_s_clock_shows_is_not_naked_while_its_sender_is_active_and_is_asked_of_a_member_storing_it_once_the_sender_is_suspected()
    {
        var host = new Host { Now = 100 };
        host.Repair.LearnExistence([0, 0, 2], reporter: 1);
        host.ViewState.Acks.LearnStored(1, [0, 0, 2]);

        host.At(120).Repair.SendDueNaks();
        Assert.Empty(host.Effects);

        host.Suspected.Add(2);
        host.At(140).Repair.SendDueNaks();
        Assert.Equal([new Nak(ViewId, 2, 1, 2)], host.SentTo(1));
        Assert.Empty(host.SentTo(2));
    }

    [Fact]
    public void A_gap_that_closed_is_not_naked()
    {
        var host = new Host { Now = 100 };
        host.Repair.LearnExistence(1, 1, fromSender: true);
        host.ViewState.Logs[1].Put(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]), host.Now);

        host.At(500).Repair.SendDueNaks();

        Assert.Empty(host.Effects);
    }

    [Fact]
    public void A_nak_is_answered_with_the_buffered_messages_of_its_range_a_total_order_one_with_its_final()
    {
        var host = new Host();
        var log = host.ViewState.Logs[1];
        log.Put(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]), 0);
        log.Put(Data(1, 2, DeliveryOrder.Total, [0, 2, 0]), 0);
        log.SetFinal(2, new Priority(7, 1));
        log.Put(Data(1, 4, DeliveryOrder.Fifo, [0, 4, 0]), 0);

        var outcome = host.Repair.OnNak(host.Member(2), new Nak(ViewId, 1, 2, 9));

        Assert.Equal(ReceiveStatus.Accepted, outcome.Status);
        var sent = host.SentTo(2);
        Assert.Equal<MessageId>([Id(1, 2), Id(1, 4)], sent.OfType<DataMessage>().Select(m => m.Id));
        Assert.Equal(new FinalPriority(ViewId, Id(1, 2), new Priority(7, 1)), Assert.Single(sent.OfType<FinalPriority>()));
        Assert.Equal(2, host.Counters.Retransmitted);
    }

    [Fact]
    public void A_nak_naming_no_messages_of_the_view_is_refused_and_answers_nothing()
    {
        var host = new Host();
        host.ViewState.Logs[1].Put(Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]), 0);

        Assert.Equal(RejectReason.Malformed, host.Repair.OnNak(host.Member(2), new Nak(ViewId, 3, 1, 1)).Reason);
        Assert.Equal(RejectReason.Malformed, host.Repair.OnNak(host.Member(2), new Nak(ViewId, 1, 2, 1)).Reason);
        Assert.Equal(RejectReason.Malformed, host.Repair.OnNak(host.Member(2), new Nak(ViewId, 1, 0, 1)).Reason);

        Assert.Empty(host.Effects);
    }

    private sealed class Host : RecordingMember, ILossRepairHost
    {
        public Host() : base(rank: 0, size: 3)
        {
            var settings = new GroupMemberSettings { NakInitialDelayMs = 20, NakMaxDelayMs = 1_000 };
            var total = new TotalOrdering(this, settings, Counters);
            Repair = new LossRepair(this, settings, Counters, total);
        }

        public LossRepair Repair { get; }
        public HashSet<int> Suspected { get; } = new();

        public Host At(long now)
        {
            Now = now;
            return this;
        }

        public bool IsActive(int rank) => !Suspected.Contains(rank);
    }
}
