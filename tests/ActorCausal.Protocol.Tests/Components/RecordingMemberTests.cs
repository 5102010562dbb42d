using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>The shared test host fails loudly when a part delivers through it and the test did not wire delivery.</summary>
public class RecordingMemberTests
{
    [Fact]
    public void A_total_order_message_decided_through_a_host_without_delivery_wired_throws_instead_of_staying_undelivered()
    {
        var host = new Unwired();
        var total = new TotalOrdering(host, new GroupMemberSettings(), host.Counters);
        total.StartView(host.Size);
        var m = Data(1, 1, DeliveryOrder.Total, [0, 1]);
        total.Enqueue(m);

        var pump = Assert.Throws<InvalidOperationException>(() => total.OnFinal(host.Member(1), 1, new FinalPriority(ViewId, m.Id, new Priority(5, 1))));
        var deliver = Assert.Throws<InvalidOperationException>(() => total.DeliverAgreed());

        Assert.Contains("override Pump", pump.Message);
        Assert.Contains("override Deliver", deliver.Message);
    }

    [Fact]
    public void The_safe_wait_is_over_for_an_ordinary_message_and_throws_for_a_safe_one()
    {
        ITotalOrderHost host = new Unwired();
        var m = Data(1, 1, DeliveryOrder.Causal, [0, 1]);

        Assert.True(host.SafeWaitOver(m));
        Assert.Throws<InvalidOperationException>(() => host.SafeWaitOver(m with { Safe = true }));
    }

    private sealed class Unwired() : RecordingMember(rank: 0, size: 2);
}
