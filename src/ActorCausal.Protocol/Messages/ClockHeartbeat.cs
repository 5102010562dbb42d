using ActorCausal.Protocol.Clocks;

namespace ActorCausal.Protocol.Messages;

/// <summary>
/// Symmetric total order (<see cref="TotalOrderMode.Symmetric"/>): the sending member had sent its messages up to
/// <see cref="Sequence"/> when its clock read <see cref="Time"/>, so every later message of it is stamped after
/// <see cref="Time"/>. Sent by a member that holds another member's total-order message it has not passed with a broadcast of its own.
/// </summary>
public sealed record ClockHeartbeat(long ViewId, long Sequence, HlcTimestamp Time) : ProtocolMessage(ViewId);
