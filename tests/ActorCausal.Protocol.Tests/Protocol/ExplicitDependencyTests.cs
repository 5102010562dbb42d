using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

public class ExplicitDependencyTests
{
    private static Func<ManualNetwork.Flight, bool> Data(int to, object payload) =>
        f => f.To == to && f.Message is DataMessage d && Equals(d.Payload, payload);

    [Fact]
    public void Explicit_a_reply_waits_for_the_message_it_names()
    {
        var net = new ManualNetwork(3);
        var question = net.Broadcast(0, "Q", DeliveryOrder.Explicit);
        net.Release(Data(1, "Q"));
        net.Broadcast(1, "R", DeliveryOrder.Explicit, question);
        net.Release(Data(2, "R"));
        Assert.Empty(net.Delivered[2]);
        net.Release(Data(2, "Q"));
        Assert.Equal(new object[] { "Q", "R" }, net.Payloads(2));
    }

    [Fact]
    public void Explicit_a_reply_does_not_wait_for_the_rest_of_its_causal_past()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(0, "U");
        net.Release(Data(1, "U"));
        net.Broadcast(1, "R", DeliveryOrder.Explicit);
        net.Broadcast(1, "C", DeliveryOrder.Causal);
        net.Release(Data(2, "R"));
        net.Release(Data(2, "C"));
        Assert.Equal(new object[] { "R" }, net.Payloads(2)); // C, causal, waits for U; R does not
    }

    [Fact]
    public void Explicit_a_dependency_this_member_has_not_delivered_is_refused_at_broadcast()
    {
        var net = new ManualNetwork(3);
        var result = net.Members[1].Broadcast("R", DeliveryOrder.Explicit, [new MessageId(1, 0, 5)]);
        Assert.False(result.Accepted);
        Assert.Equal(BroadcastRefusal.UnknownDependency, result.Refusal);
        Assert.Contains("1.0.5", result.Reason);
        Assert.Equal(1, net.Members[1].Status().Refused);
        Assert.Equal(0, net.Members[1].Status().Sent);
        Assert.Empty(net.InFlight);
    }

    [Fact]
    public void Explicit_dependencies_with_another_order_are_an_api_error()
    {
        var net = new ManualNetwork(2);
        var q = net.Broadcast(0, "Q");
        Assert.Throws<ArgumentException>(() => net.Members[0].Broadcast("R", DeliveryOrder.Causal, [q]));
        Assert.Throws<ArgumentNullException>(() => net.Members[0].Broadcast(null!, DeliveryOrder.Fifo));
    }

    [Fact]
    public void Explicit_dependency_chain_is_transitive_and_lists_dependencies_first()
    {
        var net = new ManualNetwork(3);
        var q = net.Broadcast(0, "Q", DeliveryOrder.Explicit);
        net.Flush();
        var r1 = net.Broadcast(1, "R1", DeliveryOrder.Explicit, q);
        net.Flush();
        var r2 = net.Broadcast(2, "R2", DeliveryOrder.Explicit, r1);
        var other = net.Broadcast(0, "R3", DeliveryOrder.Explicit, q);
        net.Flush();

        var member = net.Members[1];
        Assert.Equal(new[] { q, r1 }, member.DependencyChain(r2));
        Assert.Equal(new[] { other, r1 }, member.Dependents(q).OrderBy(id => id.Sender));
        Assert.Empty(member.DependencyChain(q));
        Assert.Throws<KeyNotFoundException>(() => member.DependencyChain(new MessageId(1, 2, 99)));
    }

    [Fact]
    public void Explicit_a_dependency_cycle_is_reported_not_followed_forever()
    {
        var index = new DependencyIndex(capacity: 10);
        var a = new MessageId(1, 0, 1);
        var b = new MessageId(1, 1, 1);
        var c = new MessageId(1, 2, 1);
        index.Add(a, [b]);
        index.Add(b, [c]);
        index.Add(c, [a]);
        var ex = Assert.Throws<DependencyCycleException>(() => index.Chain(a));
        Assert.Equal(new[] { a, b, c, a }, ex.Cycle);
    }

    [Fact]
    public void Explicit_a_received_dependency_outside_the_senders_causal_past_is_rejected()
    {
        var net = new ManualNetwork(3);
        net.Broadcast(1, "R", DeliveryOrder.Explicit);
        var real = (DataMessage)net.InFlight.First(f => f.To == 2).Message;
        var forged = real with { DependsOn = ImmutableArray.Create(new MessageId(1, 0, 1)) }; // its clock says m0's 1 is unseen
        var outcome = net.Inject(2, 1, forged);
        Assert.Equal(ReceiveStatus.Rejected, outcome.Status);
        Assert.Equal(RejectReason.InvalidDependency, outcome.Reason);
        Assert.Empty(net.Delivered[2]);
    }
}
