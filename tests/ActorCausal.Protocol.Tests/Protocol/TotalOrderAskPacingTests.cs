using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// A repeat ask for a missing proposal waits the asked member's observed answer time (ask to answer, matched by the ask
/// number the answer echoes), so a member that answers slowly is not asked faster than it answers; answers are never
/// held back, so a lost proposal is still repaired at once by the other member's ask.
/// </summary>
public class TotalOrderAskPacingTests
{
    private const long AnswerDelayMs = 2_500;

    [Theory]
    [InlineData(TotalOrderMode.TwoStep)]
    // Three-step is not asserted: the sender's ask is the message sent again, which carries no number, so an answer is
    // timed only after a single ask (Karn); at answers slower than the 1 s retry cap the ask is always repeated first.
    public void A_member_whose_answers_are_slow_is_not_asked_again_before_its_observed_answer_time(TotalOrderMode mode)
    {
        // m1's unasked proposals never reach m0, so m0 must ask m1 about every one of m0's messages (two-step: a proposal
        // with a reply requested; three-step: the message sent again); m1's answers take 2.5 s to arrive (longer than
        // the 1 s retry cap).
        var net = new ManualNetwork(3, new GroupMemberSettings { TotalOrder = mode, TotalRetryDelayMs = 40, NakMaxDelayMs = 1_000 });
        var copies = new HashSet<MessageId>();
        var asks = new List<(long At, MessageId Message)>();
        var held = new List<(long ReleaseAt, ManualNetwork.Flight Flight)>();
        var sent = 0;
        var holding = true;
        net.Blackhole = f =>
        {
            if (f.From == 0 && f.To == 1 && f.Message is Proposal { ReplyRequested: true } ask) asks.Add((net.Now, ask.Message));
            if (f.From == 0 && f.To == 1 && f.Message is DataMessage { Order: DeliveryOrder.Total } m && !copies.Add(m.Id)) asks.Add((net.Now, m.Id));
            if (!holding) return false;
            if (IsAnswerFromM1(f)) held.Add((net.Now + AnswerDelayMs, f));
            return IsAnswerFromM1(f) || IsUnaskedProposalFromM1(f);
        };
        while (net.Now < 30_000)
        {
            if (net.Now % 1_000 == 0) net.Broadcast(0, $"T{sent++}", DeliveryOrder.Total);
            net.InFlight.AddRange(held.Where(h => h.ReleaseAt <= net.Now).Select(h => h.Flight));
            held.RemoveAll(h => h.ReleaseAt <= net.Now);
            net.Flush();
            net.TickAll(100, flush: false);
        }

        // Once answers have been timed (the first come back after 3.5 s), no message is asked about twice within 2.5 s:
        // each answer arrives before a repeat is due, so every later message is asked about once.
        var later = asks.Where(a => a.At >= 8_000).GroupBy(a => a.Message).ToList();
        var log = string.Join(", ", asks.Select(a => $"{a.Message.Sequence}@{a.At}"));
        Assert.True(later.Count >= 15, $"m0 should ask for the proposal of every later message: {log}");
        Assert.All(later, g => Assert.True(g.Count() == 1, $"message {g.Key.Sequence} asked {g.Count()} times: {log}"));

        holding = false;
        net.InFlight.AddRange(held.Select(h => h.Flight));
        for (var t = 0; t < 100 && Enumerable.Range(0, 3).Any(i => net.Payloads(i).Count() < sent); t++) net.TickAll(100);
        var expected = Enumerable.Range(0, sent).Select(i => (object)$"T{i}").ToList();
        for (var i = 0; i < 3; i++) Assert.Equal(expected, net.Payloads(i));
    }

    private static bool IsAnswerFromM1(ManualNetwork.Flight f) =>
        f.From == 1 && f.To == 0 && f.Message is Proposal { ReplyRequested: false, AskNumber: not 0 } or FinalPriority { AskNumber: not 0 };

    private static bool IsUnaskedProposalFromM1(ManualNetwork.Flight f) =>
        f.From == 1 && f.To == 0 && f.Message is Proposal { ReplyRequested: false, AskNumber: 0 } or ProposalBatch;
}
