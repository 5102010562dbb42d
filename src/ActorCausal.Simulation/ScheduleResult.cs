using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>The outcome of one simulated schedule.</summary>
public sealed record ScheduleResult
{
    public required ulong Seed { get; init; }
    public required TotalOrderMode TotalOrderMode { get; init; }
    /// <summary>Broadcasts the members accepted.</summary>
    public required int Broadcasts { get; init; }
    /// <summary>Deliver effects, over all members.</summary>
    public required long Deliveries { get; init; }

    /// <summary>Distinct safe messages delivered by at least one member (see <see cref="Checking.Checks.UniformAgreementCheck"/>).</summary>
    public long SafeMessagesDelivered { get; init; }
    /// <summary>What the invariant checker found in the histories and the facts the simulator recorded (non-empty buffers at the end, protocol crashes included).</summary>
    public required ImmutableArray<InvariantViolation> Violations { get; init; }
    /// <summary>Broadcasts refused with back-pressure (each was retried later).</summary>
    public required int BackPressureRefusals { get; init; }
    /// <summary>Broadcasts refused because a dependency was unknown (retried without dependencies); a correct run has none.</summary>
    public required int UnknownDependencyRefusals { get; init; }
    /// <summary>InputRejected effects; a correct run has none.</summary>
    public required int RejectedInputs { get; init; }
    /// <summary>ClockSkewExceeded effects; a correct run has none.</summary>
    public required int ClockSkewEvents { get; init; }
    /// <summary>ViewChangedByMinority effects (majority quorum): the keep-majority oracle never allows one, so a correct run has none.</summary>
    public int ViewChangesByMinority { get; init; }
    /// <summary>The first few InputRejected effects, as text.</summary>
    public required ImmutableArray<string> RejectionSamples { get; init; }
    /// <summary>True when every member delivered every accepted broadcast and every buffer emptied before the time cap.</summary>
    public required bool Quiescent { get; init; }
    /// <summary>BufferedMessages of each member (by slot: founding members by rank, then joiners) when the run ended.</summary>
    public required ImmutableArray<int> BufferedAtEnd { get; init; }
    /// <summary>Virtual time at which the run ended, in ms.</summary>
    public required long EndTimeMs { get; init; }
    /// <summary>Messages the members sent over links (before loss and duplication).</summary>
    public required long NetworkMessages { get; init; }
    /// <summary><see cref="NetworkMessages"/> by kind (<see cref="Network.MessageKinds"/>).</summary>
    public ImmutableDictionary<string, long> NetworkMessagesByKind { get; init; } = ImmutableDictionary<string, long>.Empty;
    /// <summary>A hash of every event the simulator processed, in order: equal runs have equal hashes.</summary>
    public required ulong TraceHash { get; init; }
    /// <summary>Per-member histories, when the run was asked to keep them.</summary>
    public IReadOnlyList<MemberHistory>? History { get; init; }
    /// <summary>What the membership oracle did (null without faults).</summary>
    public FaultSummary? Faults { get; init; }

    public bool HasViolations => !Violations.IsEmpty;
}
