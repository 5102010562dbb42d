using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

/// <summary>Something the driver must carry out after feeding an input to a <see cref="GroupMember"/>.</summary>
public abstract record Effect;

/// <summary>Send <see cref="Message"/> to one member.</summary>
public sealed record Send(MemberId To, ProtocolMessage Message) : Effect;

/// <summary>Send <see cref="Message"/> to every other member of the current view (one serialization, many recipients).</summary>
public sealed record SendToAll(ProtocolMessage Message) : Effect;

/// <summary>Hand <see cref="Message"/> to the application: it is delivered here, in order.</summary>
public sealed record Deliver(DataMessage Message, MemberId Sender) : Effect;

/// <summary>An input was refused; state is unchanged. For logging.</summary>
public sealed record InputRejected(MemberId From, RejectReason Reason, string Detail) : Effect;

/// <summary>A remote HLC reading was further ahead than the configured skew bound; it was counted and not merged.</summary>
public sealed record ClockSkewExceeded(MemberId From, long SkewMs) : Effect;
