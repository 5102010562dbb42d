using ActorCausal.Protocol;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>A sink that broadcasts each element through a <see cref="CausalGroupMember"/> (see <see cref="CausalGroupFlow"/>).</summary>
public static class CausalGroupSink
{
    /// <summary>Broadcasts each element with <paramref name="order"/>; completes once the last one was sent.</summary>
    public static Sink<T, Task<Done>> Broadcast<T>(CausalGroupMember member, DeliveryOrder order = DeliveryOrder.Causal, CausalGroupFlowSettings? settings = null)
        where T : notnull =>
        CausalGroupFlow.Broadcast<T>(member, order, settings).ToMaterialized(Sink.Ignore<MessageId>(), Keep.Right);
}
