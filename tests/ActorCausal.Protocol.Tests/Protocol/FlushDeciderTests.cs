using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// The flush decision rule as a pure function, table-driven (as etcd's quorum/testdata). A case is a three-member view 7
/// and the reports of some of its members; messages are written "sender.seq:order:clock" (order F, C, T; clock over the
/// three ranks), a report "rank delivered=d0,d1,d2 holds=msg msg ... finals=sender.seq@number/rank".
/// </summary>
public class FlushDeciderTests
{
    private const long View = 7;
    private static readonly ImmutableArray<MemberId> Members = [new("a", 1), new("b", 1), new("c", 1)];

    public static TheoryData<string, string[], string, string, string> Cases => new()
    {
        // what, reports, expected cut, expected messages (delivered somewhere but not everywhere, or by nobody yet), expected total order
        { "the cut starts at the most delivered and extends over held messages without a gap",
            ["0 delivered=2,0,0 holds=0.1:F:1,0,0 0.2:F:2,0,0 0.3:F:3,0,0", "1 delivered=1,0,0 holds=0.2:F:2,0,0"],
            "3,0,0", "0.2 0.3", "" },
        { "a gap stops the cut",
            ["0 delivered=1,0,0 holds=0.1:F:1,0,0 0.3:F:3,0,0", "1 delivered=1,0,0 holds="],
            "1,0,0", "", "" },
        { "the cut shrinks until every causal message has its past inside",
            ["0 delivered=2,0,0 holds=0.1:F:1,0,0 0.2:F:2,0,0", "1 delivered=1,0,0 holds=1.1:C:3,1,0"],
            "2,0,0", "0.2", "" },
        { "messages of a member that did not report and that nobody holds constrain nothing",
            ["0 delivered=0,0,0 holds=", "1 delivered=0,0,0 holds=1.1:C:0,1,1"],
            "0,1,0", "1.1", "" },
        { "no orphans: a message of a member that did not report whose causal past is lost is cut",
            ["0 delivered=0,0,0 holds=2.1:C:0,1,1", "1 delivered=0,0,0 holds="],
            "0,0,0", "", "" },
        { "a message of a member that did not report but that a reporter holds is delivered",
            ["0 delivered=0,0,0 holds=2.1:F:0,0,1", "1 delivered=0,0,0 holds="],
            "0,0,1", "2.1", "" },
        { "known finals first in their order, then undecided ones in causal order, renumbered above every known priority",
            ["0 delivered=0,0,0 holds=0.1:T:1,0,0 1.1:T:0,1,0 2.1:T:1,0,1 finals=0.1@5/1 1.1@3/0", "1 delivered=0,0,0 holds=", "2 delivered=0,0,0 holds="],
            "1,1,1", "0.1 1.1 2.1", "1.1@6 0.1@7 2.1@8" },
        { "an undecided total message that happened-before a decided one still comes first",
            ["0 delivered=0,0,0 holds=0.1:T:1,0,0 1.1:T:1,1,0 finals=1.1@4/2", "1 delivered=0,0,0 holds=", "2 delivered=0,0,0 holds="],
            "1,1,0", "0.1 1.1", "0.1@5 1.1@6" },
    };

    [Fact]
    public void The_decision_names_the_ranks_whose_reports_it_was_made_from_in_rank_order()
    {
        var reports = new[] { "2 delivered=0,0,0 holds=", "0 delivered=0,0,0 holds=" }.Select(ParseReport).ToDictionary(r => r.Rank, r => r.Report);

        var decision = FlushDecider.Decide(View, 3, reports, [Members[0], Members[2]], maxAgreed: 0, Members[0]);

        Assert.Equal<int>([0, 2], decision.Reporters);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string what, string[] reports, string cut, string messages, string totalOrder)
    {
        var parsed = reports.Select(ParseReport).ToDictionary(r => r.Rank, r => r.Report);
        var decision = FlushDecider.Decide(View, 3, parsed, Members, maxAgreed: 0, Members[0]);
        Assert.True(string.Join(",", decision.Cut) == cut, $"{what}: cut {string.Join(",", decision.Cut)}, expected {cut}");
        var ids = string.Join(" ", decision.Messages.Select(m => $"{m.Sender}.{m.Sequence}"));
        Assert.True(ids == messages, $"{what}: messages [{ids}], expected [{messages}]");
        var order = string.Join(" ", decision.TotalOrder.Select(f => $"{f.Message.Sender}.{f.Message.Sequence}@{f.Priority.Number}"));
        Assert.True(order == totalOrder, $"{what}: total order [{order}], expected [{totalOrder}]");
        Assert.Equal(View + 1, decision.NewViewId);
    }

    [Fact]
    public void A_leaving_reporter_gets_no_lost_exemption_but_a_staying_one_does()
    {
        // Rank 1 was removed (no report) and nobody holds its 1.1; rank 2 reports and holds its own causal 2.1, sent
        // after it delivered 1.1. If rank 2 stays, 2.1 is its own message and the exemption lets it through; if it leaves
        // with the view change, 2.1 is an orphan and is cut.
        var reports = new[] { "0 delivered=0,0,0 holds=", "2 delivered=0,0,0 holds=2.1:C:0,1,1" }.Select(ParseReport).ToDictionary(r => r.Rank, r => r.Report);
        var staying = FlushDecider.Decide(View, 3, reports, [Members[0], Members[2]], maxAgreed: 0, Members[0], Members);
        var leaving = FlushDecider.Decide(View, 3, reports, [Members[0]], maxAgreed: 0, Members[0], Members);
        Assert.Equal([0L, 0, 1], staying.Cut.ToArray());
        Assert.Equal([0L, 0, 0], leaving.Cut.ToArray());
        Assert.Empty(leaving.Messages);
    }

    private static (int Rank, FlushReport Report) ParseReport(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var rank = int.Parse(parts[0]);
        long[] delivered = [];
        var held = new List<DataMessage>();
        var finals = new List<KnownFinal>();
        var section = "";
        foreach (var part in parts.Skip(1))
        {
            var token = part;
            var eq = part.IndexOf('=');
            if (eq > 0)
            {
                section = part[..eq];
                token = part[(eq + 1)..];
            }
            if (token.Length == 0) continue;
            switch (section)
            {
                case "delivered": delivered = token.Split(',').Select(long.Parse).ToArray(); break;
                case "holds": held.Add(ParseMessage(token)); break;
                case "finals":
                {
                    var at = token.Split('@');
                    var id = at[0].Split('.');
                    var priority = at[1].Split('/');
                    finals.Add(new KnownFinal(new MessageId(View, int.Parse(id[0]), long.Parse(id[1])), new Priority(long.Parse(priority[0]), int.Parse(priority[1]))));
                    break;
                }
            }
        }
        return (rank, new FlushReport(View, new FlushRound(1, 0), VectorClock.Wrap(delivered), [.. held], [.. finals], default, null));
    }

    private static DataMessage ParseMessage(string token)
    {
        var p = token.Split(':');
        var id = p[0].Split('.');
        var order = p[1] switch { "F" => DeliveryOrder.Fifo, "C" => DeliveryOrder.Causal, "T" => DeliveryOrder.Total, _ => DeliveryOrder.Explicit };
        var clock = p[2].Split(',').Select(long.Parse).ToArray();
        return new DataMessage(View, int.Parse(id[0]), long.Parse(id[1]), order, VectorClock.Wrap(clock), VectorClock.Wrap(new long[3]), default, [], token);
    }
}
