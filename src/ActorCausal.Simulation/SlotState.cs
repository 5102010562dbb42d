using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>What the simulator knows of one slot's member beyond the member itself.</summary>
internal sealed class SlotState
{
    public GroupView? View;
    /// <summary>Slots of <see cref="View"/>'s members, in rank order (-1: unknown member).</summary>
    public int[]? ViewSlots;
    public bool Joining;
    public bool Crashed;
    public bool Exited;
    public bool Stopped;
    public StopReason? StopReason;
    public bool Downed;
    public bool Minority;
    public bool Leaving;
    /// <summary>The process is stopped (SIGSTOP) until <see cref="ResumeAt"/>.</summary>
    public bool Paused;
    public long ResumeAt;
    /// <summary>The cluster downs and removes this member (it may not know yet, or never).</summary>
    public bool Excluded;
    public bool RefusesBroadcasts;
    public long CreatedAt;
    /// <summary>A slow member (a loaded machine) processes nothing until then; nobody notices.</summary>
    public long StalledUntil = long.MinValue;
    /// <summary>The next incarnation of a member whose group closed to merge.</summary>
    public bool MergeIncarnation;
    public readonly Dictionary<long, (DeliveryOrder Order, ImmutableArray<MessageId> DependsOn)> Held = new();
    /// <summary>The cluster's membership at each of this member's view installs (facts for the membership check).</summary>
    public readonly List<InstallFacts> Installs = new();
    /// <summary>HeldBroadcastSent effects for tickets this member never handed out.</summary>
    public readonly List<(long Ticket, MessageId Id)> UnknownTickets = new();

    /// <summary>The process is dead (crashed, or shut down after leaving): it processes nothing.</summary>
    public bool Gone => Crashed || Exited;
    /// <summary>Counts against the majority: dead, stopped, downed, cut off on the minority side, or leaving.</summary>
    public bool Failing => Gone || Stopped || Downed || Minority || Leaving || Paused || Excluded;
    /// <summary>Never crashed, stopped, downed, cut off or leaving (so far).</summary>
    public bool Correct => !Failing;
    public bool Usable => !Failing && !Joining && !RefusesBroadcasts;
}
