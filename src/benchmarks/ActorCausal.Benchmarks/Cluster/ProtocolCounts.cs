using ActorCausal.Protocol;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// The <see cref="GroupStatus"/> counters the benchmark reports, summed over members; a run's counts are the sum after
/// minus the sum before. Plain data, so a node process can send its own to the parent.
/// </summary>
public sealed record ProtocolCounts
{
    public long Protocol { get; init; }
    public long Envelopes { get; init; }
    public long HeldBack { get; init; }
    public long Retransmitted { get; init; }
    public long Naks { get; init; }
    public long Duplicates { get; init; }
    public long SafeAcks { get; init; }
    public Dictionary<ProtocolMessageKind, long> PerKind { get; init; } = new();

    public static ProtocolCounts Of(GroupStatus s) => new()
    {
        Protocol = s.ProtocolMessagesSent,
        Envelopes = s.EnvelopesSent,
        HeldBack = s.HeldBack,
        Retransmitted = s.Protocol.Retransmitted,
        Naks = s.Protocol.NaksSent,
        Duplicates = s.Protocol.Duplicates,
        SafeAcks = s.Protocol.SafeAcksSent,
        PerKind = Enum.GetValues<ProtocolMessageKind>().ToDictionary(k => k, s.ProtocolMessagesSentOf),
    };

    public static ProtocolCounts Sum(IEnumerable<ProtocolCounts> counts) => counts.Aggregate(new ProtocolCounts(), (a, b) => Combine(a, b, +1));

    public static ProtocolCounts operator -(ProtocolCounts after, ProtocolCounts before) => Combine(after, before, -1);

    private static ProtocolCounts Combine(ProtocolCounts a, ProtocolCounts b, int sign) => new()
    {
        Protocol = a.Protocol + sign * b.Protocol,
        Envelopes = a.Envelopes + sign * b.Envelopes,
        HeldBack = a.HeldBack + sign * b.HeldBack,
        Retransmitted = a.Retransmitted + sign * b.Retransmitted,
        Naks = a.Naks + sign * b.Naks,
        Duplicates = a.Duplicates + sign * b.Duplicates,
        SafeAcks = a.SafeAcks + sign * b.SafeAcks,
        PerKind = Enum.GetValues<ProtocolMessageKind>().ToDictionary(k => k, k => a.PerKind.GetValueOrDefault(k) + sign * b.PerKind.GetValueOrDefault(k)),
    };
}
