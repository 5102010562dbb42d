using ActorCausal.Protocol;
using ActorCausal.Tests.Support;

namespace ActorCausal.Tests;

/// <summary>A payload that Akka serialization cannot handle is refused with that reason; nothing is sent and the group goes on.</summary>
[Collection(ThreeNodeCollection.Name)]
public sealed class UnserializablePayloadTests(ThreeNodeClusterFixture fixture)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>Akka's default (JSON) serializer reads every public property; this one throws.</summary>
    public sealed class Exploding
    {
        public int Value => throw new InvalidOperationException("this payload cannot be read");
    }

    [Fact]
    public async Task A_payload_that_cannot_be_serialized_is_refused_and_the_group_keeps_delivering()
    {
        var group = await RecordedGroup.JoinAsync("unserializable", fixture.Nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var before = await group.Handles[0].Status();

        var reply = await group.Handles[0].Broadcast(new Exploding(), DeliveryOrder.Causal);

        Assert.False(reply.Accepted);
        Assert.Equal(RefusalReason.PayloadNotSerializable, reply.Reason);
        Assert.Contains(nameof(Exploding), reply.Detail);
        Assert.Equal(before.Protocol.Sent, (await group.Handles[0].Status()).Protocol.Sent);

        var next = await group.Handles[0].Broadcast("still fine", DeliveryOrder.Causal);
        Assert.True(next.Accepted, next.ToString());
    }
}
