using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Serialization;
using Akka.Event;

namespace ActorCausal.Internal;

/// <summary>
/// Broadcasts made before the member's first view, held as the protocol holds them during a view change: answered Held
/// with a ticket, sent in order right after admission (<see cref="Release"/>), each announced to the subscriber by
/// BroadcastReleased. The protocol's tickets count up from 1; these count down from -1, so the two never meet. At most
/// <paramref name="maxUnstable"/> are held (what the member could have unstable anyway); past that, BackPressure.
/// </summary>
internal sealed class HeldUntilAdmitted(string group, int maxUnstable, ILoggingAdapter log)
{
    private readonly List<(long Ticket, SerializedPayload Payload, DeliveryOrder Order)> _held = new();
    /// <summary>A broadcast held before admission and held again by the protocol (a flush right after the first view): protocol ticket → ours.</summary>
    private readonly Dictionary<long, long> _heldAgain = new();
    private long _lastTicket;

    /// <summary>True from admission with broadcasts held until they are released.</summary>
    public bool ReleaseDue { get; private set; }

    /// <summary>Held broadcasts the member refused when released (not expected; logged).</summary>
    public long Refused { get; private set; }

    public BroadcastReply Hold(SerializedPayload payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        if (deps.Length > 0)
            return BroadcastReply.Refused(group, RefusalReason.UnknownDependency, "This node has not been admitted to the group yet, so it has delivered nothing to depend on.");
        if (_held.Count >= maxUnstable)
            return BroadcastReply.Refused(group, RefusalReason.BackPressure,
                $"{_held.Count} broadcasts already wait for this node's admission to the group (limit max-unstable {maxUnstable}).");
        var ticket = --_lastTicket;
        _held.Add((ticket, payload, order));
        return BroadcastReply.Held(group, ticket);
    }

    /// <summary>The member's first view: what is held goes out after this batch of effects.</summary>
    public void Admitted() => ReleaseDue = _held.Count > 0;

    /// <summary>Broadcasts what was held, in order; <paramref name="released"/> hears (our ticket, id) of each one sent now.</summary>
    public void Release(Func<SerializedPayload, DeliveryOrder, BroadcastResult> broadcast, Action<long, MessageId> released)
    {
        ReleaseDue = false;
        foreach (var (ticket, payload, order) in _held)
        {
            var result = broadcast(payload, order);
            if (result.IsHeld) _heldAgain[result.Ticket] = ticket;
            else if (result.Accepted) released(ticket, result.Id);
            else
            {
                // Not expected: at most max-unstable wait, into a fresh view. Logged and counted, never silent.
                Refused++;
                log.Error("Group {0}: the broadcast held until admission (ticket {1}) was refused when released: {2} {3}. It was not sent.",
                    group, ticket, result.Refusal, result.Reason);
            }
        }
        _held.Clear();
    }

    /// <summary>The ticket the application was given for a broadcast the protocol held and has now sent.</summary>
    public long ApplicationTicket(long protocolTicket) => _heldAgain.Remove(protocolTicket, out var ours) ? ours : protocolTicket;

    /// <summary>The member stopped before admission: what was held is never sent; returns how many were.</summary>
    public int Drop()
    {
        var dropped = _held.Count;
        _held.Clear();
        ReleaseDue = false;
        return dropped;
    }
}
