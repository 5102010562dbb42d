namespace ActorCausal.Simulation;

/// <summary>How a paused member's story ends (<see cref="PauseFault"/>).</summary>
public enum PauseOutcome
{
    /// <summary>Resumes before the resolver decides: both sides suspect each other for a moment, nothing is downed.</summary>
    Short,
    /// <summary>Resumes after the majority downed and removed it; its own resolver (keep-majority: it is alone) downs only itself.</summary>
    KeepMajority,
    /// <summary>Resumes after the majority moved on; its resolver sees instability and downs every peer, one at a time, then itself.</summary>
    DownAll,
    /// <summary>Resumes after the majority moved on and never learns it was downed (the nodes that decided are gone): it only suspects everyone.</summary>
    Never,
}

/// <summary>
/// <see cref="Member"/>'s process stops (SIGSTOP) at <see cref="FaultStep.AtMs"/>: it processes nothing, what is sent to it
/// waits in its socket buffers, and it resumes (SIGCONT) later with <see cref="Outcome"/>.
/// </summary>
public sealed record PauseFault(long AtMs, int Member = MemberRef.Any, PauseOutcome Outcome = PauseOutcome.KeepMajority) : FaultStep(AtMs);

/// <summary>
/// The link between two members (<see cref="First"/>, <see cref="Second"/>; slots or <see cref="MemberRef.Any"/>) breaks
/// both ways while both still reach everyone else. The resolver's leader (or, half the time, one of the two) decides
/// <c>DownIndirectlyConnected</c> and downs both.
/// </summary>
public sealed record IndirectFault(long AtMs, int First = MemberRef.Any, int Second = MemberRef.Any) : FaultStep(AtMs);
