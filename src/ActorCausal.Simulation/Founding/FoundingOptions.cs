using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation.Founding;

/// <summary>
/// A start-up schedule: nodes that start the same group at random times (ages in start order) with no group yet, over
/// links that lose and delay the driver's announcements, acks and probes, optionally split into two sides until the
/// partition heals. The seed is separate.
/// </summary>
public sealed record FoundingOptions
{
    public int Nodes { get; init; } = 4;
    /// <summary>Node k starts the group at a random time in [0, this] (node 0 at 0); older nodes start first.</summary>
    public int MaxStartSkewMs { get; init; } = 1_500;
    /// <summary>Probability that one announcement or ack is lost, until <see cref="AnnouncementLossUntilMs"/> (1: every one, so every node founds alone).</summary>
    public double AnnouncementLoss { get; init; }
    public long AnnouncementLossUntilMs { get; init; } = 3_000;
    /// <summary>Probability that one merge probe is lost (all run long).</summary>
    public double ProbeLoss { get; init; }
    /// <summary>Announcements, acks and probes take 1..this ms (delayed announcements when above the link delay).</summary>
    public int MaxAnnouncementDelayMs { get; init; } = 30;
    /// <summary>Probability that one protocol message copy is lost (the protocol repairs).</summary>
    public double Loss { get; init; }
    public int MinDelayMs { get; init; } = 1;
    public int MaxDelayMs { get; init; } = 30;
    /// <summary>The nodes split into two non-empty sides that cannot reach each other until a random time in [<see cref="HealMinMs"/>, <see cref="HealMaxMs"/>].</summary>
    public bool StartupPartition { get; init; }
    public int HealMinMs { get; init; } = 1_000;
    public int HealMaxMs { get; init; } = 5_000;
    /// <summary>After this long a node's failure detector sees the other side of a partition unreachable (and reachable again once it heals).</summary>
    public int DetectionMs { get; init; } = 200;
    /// <summary>
    /// A loaded machine: each node, with this probability, stalls once (no tick, nothing processed; what arrives waits)
    /// for [<see cref="MaxStallMs"/>/2, <see cref="MaxStallMs"/>] from a random time in [0, <see cref="MaxStartSkewMs"/> + 500].
    /// </summary>
    public double StallProbability { get; init; }
    public int MaxStallMs { get; init; } = 1_500;
    /// <summary>Broadcasts from random nodes at random times in [0, <see cref="WorkloadMs"/>], retried until a member takes them.</summary>
    public int Messages { get; init; } = 40;
    public int WorkloadMs { get; init; } = 4_000;
    /// <summary>Virtual time cap: a run that has not settled by then reports why.</summary>
    public long HorizonMs { get; init; } = 60_000;
    public int TickIntervalMs { get; init; } = 10;
    public GroupMemberSettings Settings { get; init; } = new() { JoinRetryIntervalMs = 100, FoundingDelayMs = 400, MergeIntervalMs = 500 };
    /// <summary>Applied to every protocol message where it arrives (e.g. a round trip through the wire format).</summary>
    public Func<MemberId, MemberId, ProtocolMessage, ProtocolMessage>? Wire { get; init; }

    /// <summary>The founder faults the CLI runs (<c>--faults founders</c>): per seed, lost and delayed announcements, and a start-up partition half the time.</summary>
    public static FoundingOptions ForSeed(ulong seed, int nodes = 0)
    {
        var r = DeterministicRandom.ForStream(seed, 21);
        return new FoundingOptions
        {
            Nodes = nodes > 0 ? nodes : 2 + r.NextInt(4),
            MaxStartSkewMs = r.NextInt(0, 2_000),
            AnnouncementLoss = r.Chance(0.3) ? 1.0 : r.NextDouble() * 0.5,
            MaxAnnouncementDelayMs = r.Chance(0.5) ? 30 : r.NextInt(100, 1_500),
            ProbeLoss = r.NextDouble() * 0.5,
            Loss = r.Chance(0.5) ? 0 : 0.02,
            StartupPartition = r.Chance(0.5),
            StallProbability = r.Chance(0.5) ? 0 : r.NextDouble(),
            MaxStallMs = r.NextInt(100, 2_000),
        };
    }

    public void Validate()
    {
        if (Nodes < 1) throw new ArgumentOutOfRangeException(nameof(Nodes), Nodes, "At least one node.");
        if (MaxStartSkewMs < 0 || MaxAnnouncementDelayMs < 1 || MinDelayMs < 0 || MaxDelayMs < MinDelayMs || HealMinMs < 0 || HealMaxMs < HealMinMs)
            throw new ArgumentOutOfRangeException(nameof(MaxStartSkewMs), "Times must be non-negative and ranges ordered.");
        if (DetectionMs < 0 || MaxStallMs < 0 || !(StallProbability >= 0 && StallProbability <= 1)) throw new ArgumentOutOfRangeException(nameof(StallProbability), "Stall and detection times non-negative, probability in [0, 1].");
        if (!(AnnouncementLoss >= 0 && AnnouncementLoss <= 1) || !(ProbeLoss >= 0 && ProbeLoss < 1) || !(Loss >= 0 && Loss < 1)) throw new ArgumentOutOfRangeException(nameof(Loss), "Probabilities in [0, 1].");
        if (Messages < 0 || WorkloadMs < 0 || HorizonMs <= 0 || TickIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(Messages), "Counts and times must be positive.");
        ArgumentNullException.ThrowIfNull(Settings);
        Settings.Validate();
    }
}
