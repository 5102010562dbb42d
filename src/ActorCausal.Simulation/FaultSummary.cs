using System.Collections.Immutable;

namespace ActorCausal.Simulation;

/// <summary>What the membership oracle did in one schedule.</summary>
public sealed record FaultSummary
{
    /// <summary>The fault plan, one line per step.</summary>
    public ImmutableArray<string> Plan { get; init; } = ImmutableArray<string>.Empty;
    /// <summary>What happened, with virtual times, as text (one line per <see cref="Events"/> entry).</summary>
    public ImmutableArray<string> Log { get; init; } = ImmutableArray<string>.Empty;
    /// <summary>What happened, as typed events in order.</summary>
    public ImmutableArray<FaultEvent> Events { get; init; } = ImmutableArray<FaultEvent>.Empty;
    public int Crashes { get; init; }
    public int Joins { get; init; }
    public int Restarts { get; init; }
    public int Leaves { get; init; }
    public int FalseSuspicions { get; init; }
    public int Partitions { get; init; }
    public int Pauses { get; init; }
    /// <summary>Pairs of members downed as indirectly connected.</summary>
    public int IndirectlyConnected { get; init; }
    /// <summary>Leave-then-join-again rounds (each a leave and a new incarnation at the same address).</summary>
    public int Rejoins { get; init; }
    /// <summary>ViewInstalled effects over all members.</summary>
    public int ViewInstalls { get; init; }
    public long MaxViewId { get; init; }
    /// <summary>Broadcasts accepted while a view change was under way (held, sent in the next view).</summary>
    public int HeldBroadcasts { get; init; }
    public int SnapshotsLoaded { get; init; }
    /// <summary>Broadcasts refused as NotAMember or Stopped (routed to another member and retried).</summary>
    public int MembershipRefusals { get; init; }
    /// <summary>Planned broadcasts dropped because no member could send them.</summary>
    public int LostBroadcasts { get; init; }
    /// <summary>Fault steps that never became possible without breaking the group's majority.</summary>
    public int SkippedSteps { get; init; }
    /// <summary>The schedule started by founding (concurrent founders, slow members) instead of from one founded view.</summary>
    public bool StartedByFounding { get; init; }
    /// <summary>Groups founded at start (one-member first views): more than one is a split that must merge.</summary>
    public int FoundedGroups { get; init; }
    /// <summary>Members whose group closed to merge into another (each handed over to its node's next incarnation).</summary>
    public int MergedMembers { get; init; }
}

/// <summary>The membership oracle's running counts (<see cref="FaultSummary"/> at the end).</summary>
internal sealed class FaultCounts
{
    public int LostBroadcasts { get; set; }
    public int MembershipRefusals { get; set; }
    public int Crashes { get; set; }
    public int Joins { get; set; }
    public int Restarts { get; set; }
    public int Leaves { get; set; }
    public int FalseSuspicions { get; set; }
    public int Partitions { get; set; }
    public int Pauses { get; set; }
    public int Indirect { get; set; }
    public int Rejoins { get; set; }
    public int ViewInstalls { get; set; }
    public long MaxViewId { get; set; } = 1;
    public int SnapshotsLoaded { get; set; }
    public int SkippedSteps { get; set; }
}
