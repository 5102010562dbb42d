namespace ActorCausal.Simulation;

/// <summary>
/// <see cref="Member"/> leaves the group and its address joins again at once, as a new incarnation of the group member
/// (before the leave has finished), <see cref="Times"/> times in a row, each round <see cref="GapMs"/> after the last.
/// </summary>
public sealed record RejoinFault(long AtMs, int Member = MemberRef.Any, int Times = 1, int GapMs = 0) : FaultStep(AtMs);
