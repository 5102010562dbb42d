namespace CollabEditor.Bench;

/// <summary>Times of repeated runs of one figure: the first (cold: first time this code runs in the process) apart,
/// median and range of the others.</summary>
public sealed record Timing(double[] RunsMs)
{
    public double ColdMs => RunsMs[0];
    private double[] Warm => RunsMs.Length > 1 ? RunsMs[1..] : RunsMs;
    public double MedianMs
    {
        get
        {
            var w = Warm.Order().ToArray();
            return w.Length % 2 == 1 ? w[w.Length / 2] : (w[w.Length / 2 - 1] + w[w.Length / 2]) / 2;
        }
    }
    public double MinMs => Warm.Min();
    public double MaxMs => Warm.Max();
    public override string ToString() => RunsMs.Length > 1 ? $"{Ms(MedianMs)} ({Ms(MinMs)}–{Ms(MaxMs)})" : Ms(MedianMs);

    public static string Ms(double ms) => ms >= 1000 ? $"{ms / 1000:F2} s" : ms >= 10 ? $"{ms:F0} ms" : $"{ms:F2} ms";
}

/// <summary>What one implementation measured on one trace (null where the figure does not apply).</summary>
public sealed class LibFigures
{
    public required string Lib { get; init; }
    public required string Trace { get; init; }
    public Timing? LocalReplay { get; set; }
    public Timing? RemoteUpdates { get; set; }
    public Timing? PerAgentMerge { get; set; }
    public Timing? PastVersionMerge { get; set; }
    public Timing? Load { get; set; }
    public long? EncodedBytes { get; set; }
    public long? MemoryBytes { get; set; }
    public string? Note { get; set; }
}
