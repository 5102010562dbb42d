using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation;

/// <summary>
/// What the membership oracle did, as a typed event (<see cref="FaultSummary.Events"/>): tests match these, never the
/// text. <see cref="object.ToString"/> is the line of <see cref="FaultSummary.Log"/> (<c>@time text</c>).
/// </summary>
public abstract record FaultEvent
{
    /// <summary>Virtual time in ms.</summary>
    public long TimeMs { get; init; }

    /// <summary>The text of the log line, without the time.</summary>
    public abstract string Text { get; }

    public sealed override string ToString() => $"@{TimeMs} {Text}";

    private protected static string List(ImmutableArray<MemberId> members) => $"[{string.Join(", ", members)}]";
}

/// <summary>Why a member crashed.</summary>
public enum CrashCause
{
    /// <summary>A crash step.</summary>
    Crash,
    /// <summary>A restart step: the crash of the old incarnation.</summary>
    BeforeRestart,
    /// <summary>Right after a broadcast whose data reached only some members.</summary>
    AfterPartialBroadcast,
    /// <summary>A second crash as soon as the first crash's removal was seen.</summary>
    AfterFirstRemoved,
    /// <summary>A second (non-coordinator) member crashed while flushing.</summary>
    MidFlush,
    /// <summary>The coordinator crashed while flushing.</summary>
    CoordinatorMidFlush,
}

/// <summary>A fault step (or a follow-up crash) that never became possible. <see cref="What"/> describes it.</summary>
public sealed record FaultSkipped(string What, string Why) : FaultEvent
{
    public override string Text => $"skipped {What}: {Why}";
}

/// <summary><see cref="Member"/>'s process crashed; <see cref="Why"/> says why in words, <see cref="Cause"/> as a kind.</summary>
public sealed record MemberCrashed(MemberId Member, CrashCause Cause, string Why, bool WasCoordinator, MemberPhase? Phase) : FaultEvent
{
    public override string Text => $"{Why}: {Member}{(WasCoordinator ? " (the coordinator)" : "")}, phase {Phase?.ToString() ?? "?"}";
}

/// <summary><see cref="Member"/> broadcast <see cref="Id"/>, whose data reaches only <see cref="Receivers"/>; it crashes <see cref="CrashInMs"/> later.</summary>
public sealed record PartialBroadcast(MemberId Member, MessageId Id, DeliveryOrder Order, ImmutableArray<MemberId> Receivers, int CrashInMs) : FaultEvent
{
    public override string Text => $"{Member} broadcast {Id} ({Order}) whose data reaches only {List(Receivers)}; it crashes in {CrashInMs} ms";
}

/// <summary><see cref="Observers"/> suspect <see cref="Target"/> for a while.</summary>
public sealed record FalseSuspicion(MemberId Target, ImmutableArray<MemberId> Observers) : FaultEvent
{
    public override string Text => $"false suspicion of {Target} at {List(Observers)}";
}

/// <summary>The network split: <see cref="Minority"/> from <see cref="Majority"/> (split number <see cref="Number"/>).</summary>
public sealed record PartitionStarted(int Number, ImmutableArray<MemberId> Minority, ImmutableArray<MemberId> Majority) : FaultEvent
{
    public override string Text => $"partition #{Number}: {List(Minority)} | {List(Majority)}";
}

/// <summary>The links of the split heal.</summary>
public sealed record PartitionHealed : FaultEvent
{
    public override string Text => "links of the split heal";
}

/// <summary>Down-all-when-unstable decided at each of <see cref="Nodes"/>.</summary>
public sealed record DownAllDecided(ImmutableArray<MemberId> Nodes) : FaultEvent
{
    public override string Text => $"down-all-when-unstable at {List(Nodes)}: peers first, self last";
}

/// <summary>The link between <see cref="First"/> and <see cref="Second"/> broke both ways while both reach the rest.</summary>
public sealed record IndirectLinkBroken(MemberId First, MemberId Second) : FaultEvent
{
    public override string Text => $"link {First} <-> {Second} breaks: indirectly connected";
}

/// <summary>
/// <see cref="Member"/> started and asks to join: a new member (<see cref="Previous"/> null), a restart of
/// <see cref="Previous"/>, or (<see cref="Rejoin"/>) a rejoin at once where <see cref="Previous"/> is leaving.
/// </summary>
public sealed record MemberStarted(MemberId Member, MemberId? Previous, bool Rejoin) : FaultEvent
{
    public override string Text => Rejoin ? $"{Member} joins again at once where {Previous} is leaving"
        : Previous is { } old ? $"{Member} starts at the address of {old} and asks to join" : $"{Member} starts and asks to join";
}

/// <summary><see cref="Member"/> called Leave.</summary>
public sealed record MemberLeaves(MemberId Member) : FaultEvent
{
    public override string Text => $"{Member} leaves";
}

/// <summary><see cref="Member"/>'s node shut down after it left.</summary>
public sealed record NodeExited(MemberId Member) : FaultEvent
{
    public override string Text => $"{Member} shuts its node down after leaving";
}

/// <summary><see cref="Member"/>'s protocol said it stopped.</summary>
public sealed record MemberStopped(MemberId Member, StopReason Reason) : FaultEvent
{
    public override string Text => $"{Member} stopped: {Reason}";
}

/// <summary><see cref="Member"/>'s process is paused until <see cref="ResumeAtMs"/>.</summary>
public sealed record MemberPaused(MemberId Member, long ResumeAtMs, PauseOutcome Outcome, MemberPhase? Phase) : FaultEvent
{
    public override string Text => $"{Member} is paused until {ResumeAtMs} ({Outcome}), phase {Phase?.ToString() ?? "?"}";
}

/// <summary><see cref="Member"/>'s process resumed.</summary>
public sealed record MemberResumed(MemberId Member, PauseOutcome Outcome) : FaultEvent
{
    public override string Text => $"{Member} resumes ({Outcome})";
}

/// <summary>Nothing will ever tell resumed <see cref="Member"/> it was downed.</summary>
public sealed record NeverToldDowned(MemberId Member) : FaultEvent
{
    public override string Text => $"{Member} is never told it was downed";
}

/// <summary>A crash trigger waiting for a flush expired.</summary>
public sealed record TriggerExpired(FollowUp Kind) : FaultEvent
{
    public override string Text => $"{Kind} trigger expired without a flush to crash in";
}

/// <summary><see cref="Member"/>'s machine is loaded: it processes nothing until <see cref="UntilMs"/>, unnoticed.</summary>
public sealed record MemberStalled(MemberId Member, long UntilMs) : FaultEvent
{
    public override string Text => $"{Member} stalls until {UntilMs} (a loaded machine)";
}

/// <summary><see cref="Member"/>'s group closed to merge into <see cref="Target"/>'s: <see cref="Next"/> takes over on its node.</summary>
public sealed record MemberMerging(MemberId Member, MemberId Next, ImmutableArray<MemberId> Target) : FaultEvent
{
    public override string Text => $"{Member} merges into {List(Target)} as {Next}";
}
