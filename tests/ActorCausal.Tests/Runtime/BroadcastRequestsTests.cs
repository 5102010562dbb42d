using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Serialization;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="BroadcastRequests"/>: the checks before the member, serialization, and the member's result as the reply.</summary>
public sealed class BroadcastRequestsTests
{
    private static readonly MessageId SomeId = new(1, 0, 1);

    [Fact]
    public void Requests_no_member_can_take_are_refused_in_order_of_the_checks()
    {
        var stopped = new GroupStopped("g", GroupStopReason.Downed, "downed");
        Assert.Equal(RefusalReason.InvalidRequest, BroadcastRequests.Refusal("g", new Broadcast(null!), true, stopped)?.Reason);
        var refusedStopped = BroadcastRequests.Refusal("g", new Broadcast("x"), true, stopped);
        Assert.Equal(RefusalReason.Stopped, refusedStopped?.Reason);
        Assert.Contains("downed", refusedStopped?.Detail);
        Assert.Equal(RefusalReason.InvalidRequest, BroadcastRequests.Refusal("g", new Broadcast("x", DeliveryOrder.Causal, [SomeId]), false, null)?.Reason);
        Assert.Equal(RefusalReason.InvalidRequest, BroadcastRequests.Refusal("g", new Broadcast("x", (DeliveryOrder)99), false, null)?.Reason);

        Assert.Null(BroadcastRequests.Refusal("g", new Broadcast("x", DeliveryOrder.Explicit, [SomeId]), false, null));
        Assert.Null(BroadcastRequests.Refusal("g", new Broadcast("x", DeliveryOrder.Total, default), false, null));
        Assert.Empty(BroadcastRequests.DependsOn(new Broadcast("x", DeliveryOrder.Total, default)));
    }

    [Fact]
    public void A_payload_is_serialized_once_and_one_that_cannot_be_is_refused()
    {
        var serialized = new SerializedPayload(1, "m", new byte[] { 1 });
        Assert.Null(BroadcastRequests.Serialize("g", new Broadcast(serialized), _ => throw new InvalidOperationException("not again"), out var same));
        Assert.Same(serialized, same);

        Assert.Null(BroadcastRequests.Serialize("g", new Broadcast("x"), _ => serialized, out var made));
        Assert.Same(serialized, made);

        var refused = BroadcastRequests.Serialize("g", new Broadcast(42), _ => throw new InvalidOperationException("no serializer"), out _);
        Assert.Equal(RefusalReason.PayloadNotSerializable, refused?.Reason);
        Assert.Contains("System.Int32", refused?.Detail);
    }

    [Fact]
    public void The_members_result_becomes_the_reply()
    {
        var position = new DeliveredPosition("g");
        Assert.Equal((BroadcastOutcome.Sent, SomeId), (BroadcastRequests.Reply("g", BroadcastResult.Sent(SomeId), position).Outcome, SomeId));
        var held = BroadcastRequests.Reply("g", BroadcastResult.Held(5), position);
        Assert.Equal((BroadcastOutcome.Held, 5L), (held.Outcome, held.Ticket));

        Assert.Equal(RefusalReason.BackPressure, BroadcastRequests.Reply("g", BroadcastResult.Refused(BroadcastRefusal.BackPressure, "full"), position).Reason);
        Assert.Equal(RefusalReason.UnknownDependency, BroadcastRequests.Reply("g", BroadcastResult.Refused(BroadcastRefusal.UnknownDependency, "?"), position).Reason);
        Assert.Equal(RefusalReason.NotAMember, BroadcastRequests.Reply("g", BroadcastResult.Refused(BroadcastRefusal.NotAMember, "no"), position).Reason);
        var stopped = BroadcastRequests.Reply("g", new BroadcastResult(default, BroadcastRefusal.Stopped, null), position);
        Assert.Equal((RefusalReason.Stopped, "Stopped"), (stopped.Reason, stopped.Detail));
    }
}
