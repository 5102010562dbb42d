using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>One event in a member's local history, as the application saw it.</summary>
public abstract record HistoryEvent(MessageId Id, DeliveryOrder Order)
{
    /// <summary>Virtual (simulator) or wall (cluster log) time in ms, for humans only: the checker uses local event order, never times.</summary>
    public long TimeMs { get; init; }
}

/// <summary>The member broadcast <see cref="HistoryEvent.Id"/> (the broadcast was accepted).</summary>
public sealed record SendEvent(MessageId Id, DeliveryOrder Order, ImmutableArray<MessageId> DependsOn) : HistoryEvent(Id, Order)
{
    public SendEvent(MessageId id, DeliveryOrder order) : this(id, order, ImmutableArray<MessageId>.Empty) { }

    public override string ToString() =>
        DependsOn.IsDefaultOrEmpty
            ? $"@{TimeMs} send {Id} {Order}"
            : $"@{TimeMs} send {Id} {Order} deps=[{string.Join(",", DependsOn)}]";
}

/// <summary>The member's application received <see cref="HistoryEvent.Id"/>, attributed to <see cref="Sender"/>.</summary>
public sealed record DeliverEvent(MessageId Id, MemberId Sender, DeliveryOrder Order) : HistoryEvent(Id, Order)
{
    public override string ToString() => $"@{TimeMs} deliver {Id} from {Sender} {Order}";
}

/// <summary>The local history of one member: its sends and deliveries in the order they happened there.</summary>
public sealed record MemberHistory(MemberId Member, IReadOnlyList<HistoryEvent> Events)
{
    public override string ToString() => $"{Member}: {Events.Count} events";
}
