using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>ISIS at one member, driven directly through a host that records what it is asked to do.</summary>
public class TotalOrderingTests
{
    private const long ViewId = 4;

    [Fact]
    public void A_queued_message_is_proposed_one_above_the_highest_agreed_or_proposed_number_with_the_own_rank()
    {
        var host = new Host(rank: 1, size: 3, TotalOrderMode.ThreeStep);
        var total = host.Total;

        host.Enqueue(Message(0, 1));
        host.Enqueue(Message(2, 1));
        total.SetFinal(total.EntryFor(new MessageId(ViewId, 0, 2)), new Priority(10, 2));
        host.Enqueue(Message(0, 3));

        Assert.Equal([new Priority(1, 1), new Priority(2, 1), new Priority(11, 1)],
            new[] { (0, 1L), (2, 1L), (0, 3L) }.Select(id => total.EntryFor(new MessageId(ViewId, id.Item1, id.Item2)).OwnProposal));
        Assert.Equal(10, total.MaxAgreed);
    }

    [Fact]
    public void A_three_step_sender_sends_the_final_only_once_every_member_has_proposed_and_it_is_the_largest()
    {
        var host = new Host(rank: 0, size: 3, TotalOrderMode.ThreeStep);
        var m = Message(0, 1);
        host.Enqueue(m);

        host.Total.OnProposal(host.Member(1), 1, m.Id, new Priority(7, 1), replyRequested: false);
        Assert.DoesNotContain(host.Effects, e => e is SendToAll { Message: FinalPriority });

        var outcome = host.Total.OnProposal(host.Member(2), 2, m.Id, new Priority(3, 2), replyRequested: false);

        Assert.Equal(ReceiveStatus.Accepted, outcome.Status);
        var final = Assert.Single(host.Effects.OfType<SendToAll>().Select(s => s.Message).OfType<FinalPriority>());
        Assert.Equal(new Priority(7, 1), final.Priority);
        Assert.Equal(new Priority(7, 1), Assert.Single(host.Delivered).Final);
    }

    [Fact]
    public void The_head_is_delivered_only_when_final_and_a_final_message_behind_an_undecided_head_waits()
    {
        var host = new Host(rank: 2, size: 3, TotalOrderMode.ThreeStep);
        var first = Message(0, 1);
        var second = Message(1, 1);
        host.Enqueue(first);  // own proposal 1/2
        host.Enqueue(second); // own proposal 2/2

        host.Total.OnFinal(host.Member(1), 1, new FinalPriority(ViewId, second.Id, new Priority(5, 1)));
        Assert.Empty(host.Delivered);

        host.Total.OnFinal(host.Member(0), 0, new FinalPriority(ViewId, first.Id, new Priority(4, 0)));

        Assert.Equal([first.Id, second.Id], host.Delivered.Select(d => d.Message.Id));
        Assert.Equal(0, host.Total.QueueCount);
    }

    [Fact]
    public void Proposals_made_while_handling_one_input_go_out_as_one_message_per_recipient()
    {
        var host = new Host(rank: 2, size: 3, TotalOrderMode.ThreeStep);
        host.Enqueue(Message(0, 1));
        host.Enqueue(Message(0, 2));
        host.Enqueue(Message(1, 1));
        Assert.True(host.Total.HasPendingProposals);

        host.Total.SendPendingProposals();

        var sends = host.Effects.OfType<Send>().ToList();
        Assert.Equal(2, sends.Count);
        var batch = Assert.IsType<ProposalBatch>(Assert.Single(sends, s => s.To == host.Member(0)).Message);
        Assert.Equal([new MessageId(ViewId, 0, 1), new MessageId(ViewId, 0, 2)], batch.Items.Select(i => i.Message));
        Assert.IsType<Proposal>(Assert.Single(sends, s => s.To == host.Member(1)).Message);
        Assert.False(host.Total.HasPendingProposals);
    }

    [Fact]
    public void A_proposal_whose_priority_does_not_carry_its_proposers_rank_is_rejected_and_changes_nothing()
    {
        var host = new Host(rank: 0, size: 3, TotalOrderMode.ThreeStep);
        var m = Message(0, 1);
        host.Enqueue(m);

        var outcome = host.Total.OnProposal(host.Member(1), 1, m.Id, new Priority(9, 2), replyRequested: false);

        Assert.Equal(ReceiveStatus.Rejected, outcome.Status);
        Assert.Equal(RejectReason.Malformed, Assert.Single(host.Rejections));
        Assert.True(host.Total.TryGetEntry(m.Id, out var entry));
        Assert.False(entry.HasProposalFrom(1));
    }

    [Fact]
    public void A_two_step_proposal_for_a_later_message_asks_its_proposer_again_for_the_earlier_one_it_shows_lost()
    {
        var host = new Host(rank: 0, size: 3, TotalOrderMode.TwoStep);
        var lost = Message(1, 1);
        var later = Message(1, 2);
        host.Enqueue(lost);
        host.Enqueue(later);
        host.Total.SendPendingProposals();
        host.Effects.Clear();

        host.Total.OnProposal(host.Member(2), 2, later.Id, new Priority(2, 2), replyRequested: false);

        var ask = Assert.Single(host.Effects.OfType<Send>());
        Assert.Equal(host.Member(2), ask.To);
        var proposal = Assert.IsType<Proposal>(ask.Message);
        Assert.Equal(lost.Id, proposal.Message);
        Assert.True(proposal.ReplyRequested);
    }

    [Fact]
    public void A_new_view_starts_with_an_empty_queue_and_nothing_agreed()
    {
        var host = new Host(rank: 1, size: 3, TotalOrderMode.ThreeStep);
        host.Enqueue(Message(0, 1));
        host.Total.SetFinal(host.Total.EntryFor(new MessageId(ViewId, 2, 1)), new Priority(6, 2));

        host.Total.StartView(2);

        Assert.Equal(0, host.Total.QueueCount);
        Assert.Empty(host.Total.Entries);
        Assert.Equal(0, host.Total.MaxAgreed);
    }

    private static DataMessage Message(int sender, long sequence) =>
        new(ViewId, sender, sequence, DeliveryOrder.Total, VectorClock.Zero(3), VectorClock.Zero(3), default, [], $"{sender}.{sequence}");

    private sealed class Host : ITotalOrderHost
    {
        public Host(int rank, int size, TotalOrderMode mode)
        {
            Rank = rank;
            View = new GroupView(ViewId, Enumerable.Range(0, size).Select(k => new MemberId($"m{k}", 1)));
            Logs = Enumerable.Range(0, size).Select(_ => new SenderLog()).ToArray();
            Acks = new AcknowledgementMatrix(size, rank);
            Total = new TotalOrdering(this, new GroupMemberSettings { TotalOrder = mode }, new MemberCounters());
            Total.StartView(size);
        }

        public TotalOrdering Total { get; }
        public SenderLog[] Logs { get; }
        public List<Effect> Effects { get; } = new();
        public List<RejectReason> Rejections { get; } = new();
        public List<(DataMessage Message, Priority Final)> Delivered { get; } = new();

        public MemberId Member(int rank) => View.Members[rank];

        public GroupView View { get; }
        public int Rank { get; }
        public MemberId Self => View.Members[Rank];
        public int Size => View.Size;
        public int CoordinatorRank() => 0;
        public bool IsRemoved(MemberId member) => false;
        public long Now { get; set; }
        public long LastSequence => Logs[Rank].KnownMax;
        public SenderLog Log(int sender) => Logs[sender];
        public AcknowledgementMatrix Acks { get; }
        public bool FlushDecidesNothing => false;

        public void Emit(Effect effect) => Effects.Add(effect);

        public ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail)
        {
            Rejections.Add(reason);
            return ReceiveOutcome.Rejected(reason, detail);
        }

        public void StartGapTimer(int sender) { }

        public void Pump() => Total.DeliverAgreed();

        public bool SafeWaitOver(DataMessage m) => true;

        public void Deliver(DataMessage m)
        {
            Logs[m.Sender].TryGetFinal(m.Sequence, out var final);
            Logs[m.Sender].Delivered = m.Sequence;
            Delivered.Add((m, final));
        }

        /// <summary>A causally ready message: received (in its sender's log), then queued.</summary>
        public DataMessage Enqueue(DataMessage m)
        {
            Logs[m.Sender].Put(m, Now);
            Total.Enqueue(m);
            return m;
        }
    }
}
