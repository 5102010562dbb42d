using ActorCausal.Protocol;
using Akka;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>
/// Broadcasts each element through a <see cref="CausalGroupMember"/> and emits the <see cref="MessageId"/> it was sent
/// as, one broadcast at a time, so the stream's order is the broadcast order (FIFO per member, whatever the delivery
/// order). Until a broadcast is accepted the flow back-pressures upstream: before admission it waits for
/// <see cref="CausalGroupMember.Admitted"/>; a <see cref="RefusalReason.BackPressure"/> or
/// <see cref="RefusalReason.NotAMember"/> refusal is retried after <see cref="CausalGroupFlowSettings.RetryInterval"/>
/// (doubling up to <see cref="CausalGroupFlowSettings.MaxRetryInterval"/>); a <see cref="BroadcastOutcome.Held"/> broadcast
/// is waited for until the new view sends it (never sent twice, never dropped). Other refusals fail the stream with
/// <see cref="BroadcastRefusedException"/>, which the stream's supervision strategy sees (Resume skips the element).
/// </summary>
public static class CausalGroupFlow
{
    /// <summary>Broadcasts each element with <paramref name="order"/> and emits its id.</summary>
    public static Flow<T, MessageId, NotUsed> Broadcast<T>(CausalGroupMember member, DeliveryOrder order = DeliveryOrder.Causal, CausalGroupFlowSettings? settings = null)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(member);
        var s = settings ?? CausalGroupFlowSettings.Default;
        return Flow.Create<T>().SelectAsync(1, element => Send(member, element, order, s)).Named("causalGroupBroadcast");
    }

    private static async Task<MessageId> Send(CausalGroupMember member, object payload, DeliveryOrder order, CausalGroupFlowSettings settings)
    {
        if (!member.Admitted.IsCompleted) await Task.WhenAny(member.Admitted, member.Stopped).ConfigureAwait(false);
        var wait = settings.RetryInterval;
        while (true)
        {
            var reply = await member.Group.Broadcast(payload, order).ConfigureAwait(false);
            switch (reply.Outcome)
            {
                case BroadcastOutcome.Sent:
                    return reply.Id;
                case BroadcastOutcome.Held:
                    var id = await member.Released(reply.Ticket).ConfigureAwait(false);
                    member.Forget(reply.Ticket);
                    return id;
            }
            if (reply.Reason is not (RefusalReason.BackPressure or RefusalReason.NotAMember)) throw new BroadcastRefusedException(reply);
            await Task.Delay(wait).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, settings.MaxRetryInterval.Ticks));
        }
    }
}
