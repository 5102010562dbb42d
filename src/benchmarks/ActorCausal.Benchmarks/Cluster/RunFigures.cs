using System.Diagnostics;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>What one timed run measured, gathered from the nodes (in this process or from the node processes).</summary>
public sealed record RunFigures
{
    public required int Nodes { get; init; }
    public required int PerNode { get; init; }
    public required long Delivered { get; init; }
    public required long FirstSend { get; init; }
    public required long LastDelivery { get; init; }
    /// <summary>Send-to-delivery times in Stopwatch ticks, every delivery at every node.</summary>
    public required long[] Latencies { get; init; }
    public long? BytesBefore { get; init; }
    public long? BytesAfter { get; init; }
    /// <summary>ActorCausal modes: the run's counts summed over the members.</summary>
    public ProtocolCounts? Counts { get; init; }
    public bool Complete { get; init; }
    public long Refused { get; init; }
    public long BackPressureRetries { get; init; }
    /// <summary>CPU time used by the nodes' process(es) from just before the start to the end of the run.</summary>
    public TimeSpan? Cpu { get; init; }
    /// <summary>In one process: bytes the process allocated during the run (every node, the harness included), and its gen-0 and gen-2 collections.</summary>
    public (long Bytes, int Gen0, int Gen2)? Allocated { get; init; }

    public RunResult ToResult()
    {
        var elapsed = (LastDelivery - FirstSend) / (double)Stopwatch.Frequency;
        var latencies = (long[])Latencies.Clone();
        Array.Sort(latencies);
        double Pct(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        var sentTotal = (double)PerNode * Nodes;
        double? bytesPerMsg = BytesBefore is { } b0 && BytesAfter is { } b1 ? (b1 - b0) / sentTotal : null;
        double? cpuUsPerMsg = Cpu is { } cpu ? cpu.TotalMicroseconds / sentTotal : null;
        var allocated = Allocated is { } a ? (a.Bytes / sentTotal, a.Gen0, a.Gen2) : ((double, int, int)?)null;
        if (Counts is not { } c)
            return new RunResult(Delivered / (double)Nodes / elapsed, Pct(0.50), Pct(0.99), bytesPerMsg, Complete, elapsed, Refused, BackPressureRetries, null, null, CpuUsPerMsg: cpuUsPerMsg, Allocated: allocated);
        return new RunResult(Delivered / (double)Nodes / elapsed, Pct(0.50), Pct(0.99), bytesPerMsg, Complete, elapsed, Refused, BackPressureRetries,
            MeanBatch: c.Envelopes == 0 ? null : c.Protocol / (double)c.Envelopes,
            HeldBack: c.HeldBack,
            ProtocolPerMsg: c.Protocol / sentTotal,
            EnvelopesPerMsg: c.Envelopes / sentTotal,
            RepairsPerMsg: $"retransmitted {c.Retransmitted / sentTotal:F2}, NAKs {c.Naks / sentTotal:F2}, duplicates received {c.Duplicates / sentTotal:F2}, safe acks {c.SafeAcks / sentTotal:F2}",
            PerKind: c.PerKind.ToDictionary(k => k.Key, k => k.Value / sentTotal),
            CpuUsPerMsg: cpuUsPerMsg,
            Allocated: allocated);
    }
}
