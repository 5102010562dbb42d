using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// A lost proposal or final is asked for on evidence (a later proposal or final on the same FIFO link), without waiting
/// for a timer, and a member that is merely waiting for a slow one asks nothing.
/// </summary>
public class TotalOrderEvidenceTests
{
    [Fact]
    public void Three_step_a_proposal_shown_lost_by_the_next_one_is_repaired_without_any_timer()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = TotalOrderMode.ThreeStep });
        var first = net.Broadcast(0, "T1", DeliveryOrder.Total);
        net.Broadcast(0, "T2", DeliveryOrder.Total);
        DropFirst(net, f => f.From == 1 && f.To == 0 && f.Message is Proposal p && p.Message == first);
        net.Flush(); // no time passes: only evidence can trigger the repair

        Assert.Equal(1, net.Members[0].Status().Retransmitted);
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T1", "T2" }, net.Payloads(i));
    }

    [Fact]
    public void Three_step_a_final_shown_lost_by_the_next_one_is_asked_for_without_any_timer()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = TotalOrderMode.ThreeStep });
        var first = net.Broadcast(0, "T1", DeliveryOrder.Total);
        net.Broadcast(0, "T2", DeliveryOrder.Total);
        DropFirst(net, f => f.From == 0 && f.To == 2 && f.Message is FinalPriority fp && fp.Message == first);
        net.Flush();

        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T1", "T2" }, net.Payloads(i));
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep)]
    [InlineData(TotalOrderMode.TwoStep)]
    public void A_proposal_lost_behind_later_ones_of_another_sender_is_not_taken_as_evidence(TotalOrderMode mode)
    {
        // Proposals of one member for different senders' messages prove nothing about each other.
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = mode });
        net.Broadcast(0, "A", DeliveryOrder.Total);
        net.Broadcast(1, "B", DeliveryOrder.Total);
        net.Flush();
        Assert.Equal(0, net.Members.Sum(m => m.Status().Retransmitted));
        Assert.DoesNotContain(net.Members.SelectMany((_, i) => net.Events[i]), e => e is Send { Message: Proposal { ReplyRequested: true } });
        for (var i = 0; i < 3; i++) Assert.Equal(2, net.Payloads(i).Count());
    }

    [Fact]
    public void Three_step_a_member_waiting_for_the_sender_asks_nothing_while_the_sender_waits_for_a_slow_member()
    {
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = TotalOrderMode.ThreeStep, TotalRetryDelayMs = 40, NakMaxDelayMs = 1_000 });
        net.Broadcast(0, "T", DeliveryOrder.Total);
        var held = new List<ManualNetwork.Flight>();
        // m2 is slow: everything to and from it stays on the network for 3 s, less than the 8 s long wait.
        while (net.Now < 3_000)
        {
            held.AddRange(net.InFlight.Where(f => f.To == 2 || f.From == 2));
            net.Drop(f => f.To == 2 || f.From == 2);
            net.Flush();
            net.TickAll(20, flush: false);
        }
        var asked = net.Events[1].OfType<Send>().Count(s => s.Message is Proposal { ReplyRequested: true });
        Assert.Equal(0, asked);
        Assert.Empty(net.Payloads(1));

        net.InFlight.AddRange(held);
        net.Flush();
        for (var i = 0; i < 3; i++) Assert.Equal(new object[] { "T" }, net.Payloads(i));
    }

    [Fact]
    public void Proposal_progress_reports_the_previous_highest_and_recent_activity_per_sender()
    {
        var progress = new Internal.ProposalProgress(new object(), 3, floorMs: 40, initialMs: 1_000, capMs: 8_000, answerCapMs: 8_000);
        Assert.Equal(0, progress.NoteProposal(proposer: 1, sender: 0, sequence: 3, nowMs: 100));
        Assert.Equal(3, progress.NoteProposal(1, 0, 2, 150)); // an older one (a retry) moves nothing
        Assert.Equal(3, progress.HighestProposal(1, 0));
        Assert.Equal(0, progress.HighestProposal(1, 2));
        Assert.True(progress.Progressing(1, 0, nowMs: 199, windowMs: 100));
        Assert.False(progress.Progressing(1, 0, nowMs: 200, windowMs: 100));
        Assert.False(progress.Progressing(1, 2, nowMs: 120, windowMs: 100));
        Assert.Equal(0, progress.NoteFinal(0, 5));
        Assert.Equal(5, progress.NoteFinal(0, 4));
        Assert.Equal(5, progress.HighestFinal(0));

        Assert.Equal(1_000, progress.ResponseTimeoutMs(2)); // nothing learned yet
        for (var i = 0; i < 20; i++) progress.SampleResponse(2, 3_000);
        Assert.InRange(progress.ResponseTimeoutMs(2), 3_000, 8_000); // a member that answers in 3 s is not asked at 1 s
        Assert.Equal(1_000, progress.ResponseTimeoutMs(1)); // per member
    }

    private static void DropFirst(ManualNetwork net, Func<ManualNetwork.Flight, bool> match)
    {
        var dropped = false;
        net.Blackhole = f =>
        {
            if (dropped || !match(f)) return false;
            dropped = true;
            return true;
        };
    }
}
