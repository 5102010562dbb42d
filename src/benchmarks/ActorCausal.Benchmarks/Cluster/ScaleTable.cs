using System.Globalization;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// The cluster benchmark at several sizes as one markdown table: every ratio is to raw Tell and DistributedPubSub
/// measured at the same size in the same invocation.
/// </summary>
public static class ScaleTable
{
    private static readonly ProtocolMessageKind[] Kinds = Enum.GetValues<ProtocolMessageKind>();

    public static void Print(IReadOnlyList<(int Nodes, IReadOnlyList<ModeResult> Results)> sizes, ClusterOptions options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"{options.Messages:N0} messages per run, window {options.Window} per node, median of {options.Runs} run(s) (range in brackets){(options.Config is { } c ? $", config: {c}" : "")}; " +
                         "ratios to raw Tell fan-out and DistributedPubSub at the same size; protocol messages per broadcast sent by all members; " +
                         "CPU: the process's CPU time per broadcast, and the cores it used on average (msgs/s x CPU): under load a mode that gets fewer cores is slower without costing more");
        output.WriteLine(AlgorithmCost.Legend);
        output.WriteLine();
        output.WriteLine("| n | mode | msgs/s | x raw | x pubsub | p50 / p99 ms | B/msg | protocol msgs/bcast | needed | x needed | CPU us/bcast | CPU x raw | cores | KB alloc/bcast |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (nodes, results) in sizes)
        {
            var raw = ModeResult.Find(results, "raw");
            var pubsub = ModeResult.Find(results, "pubsub");
            foreach (var r in results)
            {
                if (r.Runs.Count == 0)
                {
                    output.WriteLine($"| {nodes} | {r.Mode} | STALLED: {r.Stalled} | | | | | | | | | | | |");
                    continue;
                }
                var (min, max) = r.Range(x => x.MsgsPerSec);
                var throughput = r.Runs.Count > 1 ? string.Create(inv, $"{r.MsgsPerSec:N0} ({min:N0}-{max:N0})") : string.Create(inv, $"{r.MsgsPerSec:N0}");
                var needed = AlgorithmCost.PerBroadcast(r.Mode, nodes);
                output.WriteLine(string.Create(inv,
                    $"| {nodes} | {r.Mode}{r.Mark} | {throughput} | {Ratio(r.MsgsPerSec, raw?.MsgsPerSec)} | {Ratio(r.MsgsPerSec, pubsub?.MsgsPerSec)} | " +
                    $"{r.P50Ms:F1} / {r.P99Ms:F1} | {(r.BytesPerMsg is { } b ? b.ToString("F0", inv) : "n/a")} | " +
                    $"{(r.ProtocolPerMsg is { } p ? p.ToString("F2", inv) : "")} | {needed?.ToString(inv) ?? ""} | " +
                    $"{(r.ProtocolPerMsg is { } q && needed is > 0 ? (q / needed.Value).ToString("F2", inv) : "")} | " +
                    $"{(r.CpuUsPerMsg is { } cpu ? cpu.ToString("F0", inv) : "")} | {(r.CpuUsPerMsg is { } own ? Ratio(own, raw?.CpuUsPerMsg) : "")} | " +
                    $"{(r.CpuUsPerMsg is { } used ? (r.MsgsPerSec * used / 1e6).ToString("F2", inv) : "")} | " +
                    $"{(r.AllocatedPerMsg is { } alloc ? (alloc / 1024).ToString("F1", inv) : "")} |"));
            }
        }
        output.WriteLine();
        output.WriteLine("Protocol messages per broadcast by kind (median of the runs):");
        output.WriteLine();
        output.WriteLine("| n | mode | " + string.Join(" | ", Kinds) + " |");
        output.WriteLine("|---:|---|" + string.Concat(Kinds.Select(_ => "---:|")));
        foreach (var (nodes, results) in sizes)
        {
            foreach (var r in results)
            {
                if (r.PerKind is not { } perKind) continue;
                output.WriteLine($"| {nodes} | {r.Mode} | " + string.Join(" | ", Kinds.Select(k => perKind.GetValueOrDefault(k).ToString("F2", inv))) + " |");
            }
        }
    }

    private static string Ratio(double value, double? baseline) =>
        baseline is { } b && b > 0 ? (value / b).ToString("F2", CultureInfo.InvariantCulture) : "";
}
