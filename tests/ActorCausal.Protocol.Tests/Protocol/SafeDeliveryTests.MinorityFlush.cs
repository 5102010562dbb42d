using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

// The majority-safe guard (docs/protocol.md, Majority-safe): a view change decided from fewer than half of the closing
// view's reports is reported, because a majority-safe message delivered only by members now gone is then lost.
public partial class SafeDeliveryTests
{
    /// <summary>
    /// Five members; m0 and m1 hear nothing from the others, so m4's safe causal "x" is stored by m2, m3, m4 (3 of 5) and,
    /// under majority, delivered by them. Then <paramref name="gone"/> crash and are removed one after another while the
    /// flush of view 1 waits for their reports: several downings in one flush.
    /// </summary>
    private static ManualNetwork SafeAtThreeThenRemoved(SafeQuorum quorum, params int[] gone)
    {
        var net = new ManualNetwork(5, Quorum(quorum));
        net.Blackhole = f => f.From >= 2 && f.To < 2;
        net.Broadcast(4, "x", DeliveryOrder.SafeCausal);
        net.Flush();
        foreach (var g in gone) net.Crash(g);
        net.InFlight.Clear();
        net.Blackhole = null;
        foreach (var g in gone)
        {
            net.DoAll(m => m.Removed(net.Members[g].Self));
            net.TickAll(25); // the round restarts with the participants left and waits for the crashed ones
        }
        Settle(net);
        return net;
    }

    [Fact]
    public void Majority_safe_five_to_two_in_one_flush_is_reported_at_both_survivors_and_the_message_only_the_gone_delivered_is_lost()
    {
        var net = SafeAtThreeThenRemoved(SafeQuorum.Majority, 4, 3, 2);

        foreach (var survivor in new[] { 0, 1 })
        {
            Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, net.Members[survivor].View.Members);
            var report = Assert.Single(net.EventsOf<ViewChangedByMinority>(survivor));
            Assert.Equal((1L, 5), (report.Closed.Id, report.Closed.Size));
            Assert.Equal(new[] { net.Members[0].Self, net.Members[1].Self }, report.Reporters);
            Assert.Equal(1, net.Members[survivor].Status().ViewChangesByMinority);
            Assert.Empty(net.Payloads(survivor)); // what the report warns of: m4 delivered x, no member that goes on does
        }
        Assert.Equal(new object[] { "x" }, net.Payloads(4));
    }

    [Fact]
    public void Majority_safe_five_to_three_is_not_reported_and_the_survivor_that_stored_the_message_brings_it_to_all()
    {
        var net = SafeAtThreeThenRemoved(SafeQuorum.Majority, 4, 3);

        for (var survivor = 0; survivor < 3; survivor++)
        {
            Assert.Equal(2, net.Members[survivor].View.Id);
            Assert.Empty(net.EventsOf<ViewChangedByMinority>(survivor));
            Assert.Equal(0, net.Members[survivor].Status().ViewChangesByMinority);
            Assert.Equal(new object[] { "x" }, net.Payloads(survivor));
        }
    }

    [Fact]
    public void Under_all_five_to_two_is_not_reported_no_member_delivered_what_not_everyone_stored()
    {
        var net = SafeAtThreeThenRemoved(SafeQuorum.All, 4, 3, 2);

        Assert.Empty(net.Payloads(4));
        foreach (var survivor in new[] { 0, 1 })
        {
            Assert.Equal(2, net.Members[survivor].View.Id);
            Assert.Empty(net.EventsOf<ViewChangedByMinority>(survivor));
            Assert.Empty(net.Payloads(survivor));
        }
    }
}
