using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// Malformed flush messages (a decision that does not fit the view, or that this member cannot deliver as decided, or a
/// report with bad content) are refused with <see cref="RejectReason.MalformedFlush"/> before they change anything: the
/// member then completes the real view change.
/// </summary>
public class FlushValidationTests
{
    private static void Settle(ManualNetwork net, int rounds = 40)
    {
        for (var i = 0; i < rounds; i++) net.TickAll(25);
    }

    /// <summary>
    /// m0, m1, m2 all deliver "hello"; m2's "last words" reaches only m0; m2 crashes. m0 coordinates and installs view 2;
    /// its commit to m1 is held back, so m1 waits in the flush (it prepared) and needs "last words" from the decision.
    /// </summary>
    private static (ManualNetwork Net, FlushCommit Commit) SurvivorWaitingForTheCommit()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "hello");
        net.Flush();
        net.Broadcast(2, "last words");
        net.Release(f => f.To == 0 && f.Message is DataMessage { Payload: "last words" });
        net.Drop(f => f.Message is DataMessage { Payload: "last words" });
        net.Crash(2);
        net.Blackhole = f => f.To == 1 && f.Message is FlushCommit;
        net.DoAll(m => m.Removed(net.Members[2].Self));
        Settle(net, 4);
        Assert.Equal(2, net.Members[0].View.Id);
        Assert.Equal(MemberPhase.Flushing, net.Members[1].Phase);
        var commit = net.Events[0].OfType<Send>().Select(s => s.Message).OfType<FlushCommit>().Last();
        Assert.DoesNotContain("last words", net.Payloads(1));
        return (net, commit);
    }

    private static void AssertRefusedThenViewChangeCompletes(ManualNetwork net, Func<ReceiveOutcome> bad, RejectReason reason)
    {
        var before = net.Members[1].Status();
        var deliveredBefore = net.Payloads(1).ToList();
        var outcome = bad();
        Assert.Equal(ReceiveStatus.Rejected, outcome.Status);
        Assert.Equal(reason, outcome.Reason);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Detail));
        var after = net.Members[1].Status();
        Assert.Equal(1, after.Rejected[reason]);
        Assert.Equal(before with { Rejected = after.Rejected, Members = after.Members }, after);
        Assert.Equal(reason, Assert.Single(net.Rejections[1]).Reason);
        Assert.Equal(deliveredBefore, net.Payloads(1));
        Assert.Equal(MemberPhase.Flushing, net.Members[1].Phase);

        net.Blackhole = null;
        Settle(net);
        Assert.Equal(MemberPhase.Normal, net.Members[1].Phase);
        Assert.Equal(new object[] { "hello", "last words" }, net.Payloads(1));
        Assert.Equal(net.Members[0].View, net.Members[1].View);
        Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, net.Members[1].View.Members);
    }

    public static TheoryData<string> MalformedDecisions => new()
    {
        "cut beyond what anyone holds", "decided message missing", "cut below what is delivered here",
        "cut of this member beyond what it sent", "wrong next view id", "member listed twice",
        "message beyond its cut", "message of a rank outside the view", "total order outside the view",
        "total-order message left out of the order", "cut of the wrong length", "reporter outside the view", "reporter listed twice",
    };

    private static FlushDecision Mutate(FlushDecision d, string kind)
    {
        var lastWords = d.Messages.Single(m => Equals(m.Payload, "last words"));
        return kind switch
        {
            "cut beyond what anyone holds" => d with { Cut = d.Cut.SetItem(2, 5) },
            "decided message missing" => d with { Messages = [] },
            "cut below what is delivered here" => d with { Cut = d.Cut.SetItem(0, 0) },
            "cut of this member beyond what it sent" => d with { Cut = d.Cut.SetItem(1, 1) },
            "wrong next view id" => d with { NewViewId = d.ViewId + 3 },
            "member listed twice" => d with { NewMembers = [d.NewMembers[0], d.NewMembers[0]] },
            "message beyond its cut" => d with { Messages = d.Messages.Add(lastWords with { Sequence = 2, Clock = VectorClock.Of(lastWords.Clock[0], lastWords.Clock[1], 2) }) },
            "message of a rank outside the view" => d with { Messages = d.Messages.Add(lastWords with { Sender = 7 }) },
            "total order outside the view" => d with { TotalOrder = [new KnownFinal(new MessageId(d.ViewId, 9, 1), new Priority(1, 0))] },
            "total-order message left out of the order" => d with { Messages = [lastWords with { Order = DeliveryOrder.Total }] },
            "cut of the wrong length" => d with { Cut = d.Cut.Add(0) },
            "reporter outside the view" => d with { Reporters = [0, 3] },
            "reporter listed twice" => d with { Reporters = [0, 0] },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    [Theory]
    [MemberData(nameof(MalformedDecisions))]
    public void A_malformed_commit_is_refused_and_the_member_then_completes_the_view_change(string kind)
    {
        var (net, commit) = SurvivorWaitingForTheCommit();
        var reason = kind == "cut of the wrong length" ? RejectReason.Malformed : RejectReason.MalformedFlush;
        AssertRefusedThenViewChangeCompletes(net, () => net.Inject(1, 0, commit with { Decision = Mutate(commit.Decision, kind) }), reason);
    }

    [Fact]
    public void A_commit_without_a_decision_is_refused()
    {
        var (net, commit) = SurvivorWaitingForTheCommit();
        AssertRefusedThenViewChangeCompletes(net, () => net.Inject(1, 0, commit with { Decision = null! }), RejectReason.Malformed);
    }

    [Theory]
    [MemberData(nameof(MalformedDecisions))]
    public void A_malformed_prepare_of_a_higher_round_is_refused_and_does_not_replace_the_prepared_decision(string kind)
    {
        var (net, commit) = SurvivorWaitingForTheCommit();
        var reason = kind == "cut of the wrong length" ? RejectReason.Malformed : RejectReason.MalformedFlush;
        var prepare = new FlushPrepare(commit.ViewId, commit.Round with { Counter = commit.Round.Counter + 5 }, Mutate(commit.Decision, kind));
        AssertRefusedThenViewChangeCompletes(net, () => net.Inject(1, 0, prepare), reason);
    }

    [Fact]
    public void A_prepare_whose_round_names_another_coordinator_is_refused()
    {
        var (net, commit) = SurvivorWaitingForTheCommit();
        var prepare = new FlushPrepare(commit.ViewId, new FlushRound(commit.Round.Counter + 5, 1), commit.Decision);
        AssertRefusedThenViewChangeCompletes(net, () => net.Inject(1, 0, prepare), RejectReason.Malformed);
    }

    public static TheoryData<string> MalformedReports => new()
    {
        "message of a rank outside the view", "message with a clock of the wrong dimension", "final outside the view",
        "delivered count beyond what it holds", "undeliverable prepared decision",
    };

    [Theory]
    [MemberData(nameof(MalformedReports))]
    public void A_malformed_report_is_refused_by_the_coordinator_which_then_completes_the_view_change(string kind)
    {
        // m0 coordinates; m1's report is held back, so m0 waits for it; only m1 has "hello", so its report holds it.
        var net = new ManualNetwork(3);
        net.Broadcast(1, "hello");
        net.InFlight.Clear();
        net.Crash(2);
        net.Blackhole = f => f.From == 1 && f.Message is FlushReport;
        net.DoAll(m => m.Removed(net.Members[2].Self));
        Settle(net, 4);
        Assert.Equal(MemberPhase.Flushing, net.Members[0].Phase);
        var report = net.Events[1].OfType<Send>().Select(s => s.Message).OfType<FlushReport>().Last();
        var hello = report.Messages.Single(m => Equals(m.Payload, "hello"));
        var bad = kind switch
        {
            "message of a rank outside the view" => report with { Messages = report.Messages.Add(hello with { Sender = 7 }) },
            "message with a clock of the wrong dimension" => report with { Messages = report.Messages.Add(hello with { Clock = VectorClock.Of(0, 1) }) },
            "final outside the view" => report with { Finals = [new KnownFinal(new MessageId(report.ViewId, 9, 1), new Priority(1, 0))] },
            "delivered count beyond what it holds" => report with { Delivered = VectorClock.Of(0, 5, 0) },
            "undeliverable prepared decision" => report with
            {
                PreparedRound = report.Round,
                Prepared = new FlushDecision(report.ViewId, report.ViewId + 1, [net.Members[0].Self, net.Members[1].Self], [0, 1, 4], [], []),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        var before = net.Members[0].Status();
        var outcome = net.Inject(0, 1, bad);
        Assert.Equal(ReceiveStatus.Rejected, outcome.Status);
        Assert.Equal(RejectReason.MalformedFlush, outcome.Reason);
        var after = net.Members[0].Status();
        Assert.Equal(1, after.Rejected[RejectReason.MalformedFlush]);
        Assert.Equal(before with { Rejected = after.Rejected, Members = after.Members }, after);
        Assert.Equal(MemberPhase.Flushing, net.Members[0].Phase);

        net.Blackhole = null;
        Settle(net);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(MemberPhase.Normal, net.Members[i].Phase);
            Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, net.Members[i].View.Members);
            Assert.Equal(new object[] { "hello" }, net.Payloads(i));
        }
    }
}
