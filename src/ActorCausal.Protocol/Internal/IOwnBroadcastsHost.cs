using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="OwnBroadcasts"/> needs from its member beyond the <see cref="IViewContext"/>.</summary>
internal interface IOwnBroadcastsHost : IViewContext
{
    MemberPhase Phase { get; }

    /// <summary>What this member reports as delivered (the acknowledgements its data carries).</summary>
    long[] ReportedDelivered();
    /// <summary>A safe message was sent here.</summary>
    void NoteSafe(DataMessage m);
    /// <summary><paramref name="message"/> is of a side whose state this member's application was handed in a merge.</summary>
    bool HoldsMergedState(MessageId message);
}
