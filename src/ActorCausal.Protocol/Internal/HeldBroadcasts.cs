using System.Collections.Immutable;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Broadcasts accepted while this member cannot send (a flush, or not yet admitted after a merge), in the order they were
/// made, each with the ticket the application was given; they go out in the next view. Tickets are never reused by a
/// member, and a merging member's next incarnation continues its predecessor's numbering (<see cref="Adopt"/>).
/// </summary>
internal sealed class HeldBroadcasts
{
    private readonly List<HeldBroadcast> _held = new();

    /// <summary>The last ticket handed out.</summary>
    public long LastTicket { get; private set; }

    public int Count => _held.Count;

    /// <summary>Holds a broadcast; returns its ticket.</summary>
    public long Hold(object payload, DeliveryOrder order, ImmutableArray<MessageId> dependsOn)
    {
        var ticket = ++LastTicket;
        _held.Add(new HeldBroadcast(ticket, payload, order, dependsOn));
        return ticket;
    }

    /// <summary>Takes the predecessor's held broadcasts (tickets unchanged) and continues after its last ticket.</summary>
    public void Adopt(IEnumerable<HeldBroadcast> held, long lastTicket)
    {
        _held.AddRange(held);
        LastTicket = lastTicket;
    }

    /// <summary>All held broadcasts, oldest first; none is held afterwards.</summary>
    public List<HeldBroadcast> TakeAll()
    {
        var all = _held.ToList();
        _held.Clear();
        return all;
    }

    public void Clear() => _held.Clear();
}

internal sealed record HeldBroadcast(long Ticket, object Payload, DeliveryOrder Order, ImmutableArray<MessageId> DependsOn);
