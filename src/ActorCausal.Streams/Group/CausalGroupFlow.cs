using ActorCausal.Protocol;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>
/// Broadcasts each element through a <see cref="CausalGroupMember"/> and emits the <see cref="MessageId"/> it was sent
/// as, in the elements' order, which is also the broadcast order (FIFO per member, whatever the delivery order).
/// <para>
/// Up to <see cref="CausalGroupFlowSettings.MaxInFlight"/> elements are in flight: the stage tells each to the group
/// actor as an <see cref="OrderedBroadcast"/> (no ask per element) and the group actor answers them in the order told.
/// What the member cannot send yet, because too many of its messages are unstable
/// (<see cref="RefusalReason.BackPressure"/>) or because it is not admitted yet (<see cref="RefusalReason.NotAMember"/>),
/// the group actor queues with every later element of this stream and sends as soon as it has room, so a refused
/// element is never overtaken by a later one already on its way, never dropped and never sent twice, and the retry
/// follows the group's evidence (stability advanced, the view installed), not a timer. Meanwhile the window fills and
/// the flow back-pressures upstream. A <see cref="BroadcastOutcome.Held"/> element (a view change) is emitted once the
/// new view sends it; the elements after it are held too, in order.
/// </para>
/// <para>
/// Other refusals (the member stopped, the payload cannot be serialized, an invalid request) fail the stream with
/// <see cref="BroadcastRefusedException"/>, which the stream's supervision strategy sees (Resume and Restart skip the
/// element and go on). Upstream failure fails the flow at once; the elements already told to the group still go out,
/// and those the group still queued are dropped when the stage stops (it tells <see cref="DropOrderedBroadcasts"/>).
/// Upstream completion completes the flow once every element's id was emitted. The materialized value is
/// <see cref="NotUsed"/>.
/// </para>
/// </summary>
public static class CausalGroupFlow
{
    /// <summary>Broadcasts each element with <paramref name="order"/> and emits its id.</summary>
    public static Flow<T, MessageId, NotUsed> Broadcast<T>(CausalGroupMember member, DeliveryOrder order = DeliveryOrder.Causal, CausalGroupFlowSettings? settings = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(member);
        return Flow.FromGraph(new CausalGroupFlowStage<T>(member, order, settings ?? CausalGroupFlowSettings.Default));
    }
}
