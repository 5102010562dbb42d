using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Serialization;

namespace ActorCausal.Internal;

/// <summary>A <see cref="Broadcast"/> request checked and serialized before the member sees it, and the member's result as the reply.</summary>
internal static class BroadcastRequests
{
    /// <summary>The dependencies of <paramref name="request"/>, never default.</summary>
    public static ImmutableArray<MessageId> DependsOn(Broadcast request) => request.DependsOn.IsDefault ? ImmutableArray<MessageId>.Empty : request.DependsOn;

    /// <summary>The refusal of a request that no member can take (or of any, once <paramref name="stopped"/>), else null.</summary>
    public static BroadcastReply? Refusal(string group, Broadcast request, bool isStopped, GroupStopped? stopped)
    {
        if (request.Payload is null) return BroadcastReply.Refused(group, RefusalReason.InvalidRequest, "The payload is null.");
        if (isStopped) return BroadcastReply.Refused(group, RefusalReason.Stopped, $"This member stopped ({stopped?.Reason}): {stopped?.Detail}");
        if (DependsOn(request).Length > 0 && request.Order != DeliveryOrder.Explicit)
            return BroadcastReply.Refused(group, RefusalReason.InvalidRequest, $"Dependencies are only meaningful with Explicit order, not {request.Order}.");
        if (!Enum.IsDefined(request.Order)) return BroadcastReply.Refused(group, RefusalReason.InvalidRequest, $"Unknown order {request.Order}.");
        return null;
    }

    /// <summary>The payload as the protocol carries it, or the refusal of one that <paramref name="serialize"/> cannot serialize.</summary>
    public static BroadcastReply? Serialize(string group, Broadcast request, Func<object, SerializedPayload> serialize, out SerializedPayload payload)
    {
        try
        {
            payload = request.Payload as SerializedPayload ?? serialize(request.Payload);
            return null;
        }
        catch (Exception e)
        {
            payload = null!;
            return BroadcastReply.Refused(group, RefusalReason.PayloadNotSerializable,
                $"{request.Payload.GetType().FullName} {PayloadSerialization.Describe(e)}");
        }
    }

    /// <summary>The member's <paramref name="result"/> as the reply, a sent message with its delivery token.</summary>
    public static BroadcastReply Reply(string group, BroadcastResult result, DeliveredPosition position)
    {
        if (result.IsHeld) return BroadcastReply.Held(group, result.Ticket);
        if (result.Accepted) return BroadcastReply.Sent(group, result.Id) with { Token = position.TokenOf(result.Id) };
        var reason = result.Refusal switch
        {
            BroadcastRefusal.BackPressure => RefusalReason.BackPressure,
            BroadcastRefusal.UnknownDependency => RefusalReason.UnknownDependency,
            BroadcastRefusal.NotAMember => RefusalReason.NotAMember,
            BroadcastRefusal.Stopped => RefusalReason.Stopped,
            _ => RefusalReason.InvalidRequest,
        };
        return BroadcastReply.Refused(group, reason, result.Reason ?? reason.ToString());
    }
}
