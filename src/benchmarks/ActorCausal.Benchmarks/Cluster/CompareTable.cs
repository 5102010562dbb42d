using System.Globalization;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// <c>cluster --processes --compare-in-process</c>: each mode with every node in one process and with one node per
/// process, on adjacent rows; ratios to raw and pubsub within the same hosting, and the node processes' throughput
/// as a multiple of the in-process figure (measured back to back, mode by mode).
/// </summary>
public static class CompareTable
{
    public static void Print(IReadOnlyList<(int Nodes, IReadOnlyList<ModeResult> InProcess, IReadOnlyList<ModeResult> Processes)> sizes, ClusterOptions options, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"In one process and one node per process, each mode back to back: {options.Messages:N0} messages per run, window {options.Window} per node, " +
                         $"median of {options.Runs} run(s) (range in brackets){(options.Config is { } c ? $", config: {c}" : "")}; x raw and x pubsub within the same hosting");
        output.WriteLine("CPU us/msg: CPU time of the process (one process) or of every node process, from just before the start to the end of the run, per message broadcast");
        output.WriteLine();
        output.WriteLine("| n | mode | hosting | msgs/s | x raw | x pubsub | p50 / p99 ms | B/msg | protocol msgs/bcast | CPU us/msg | x in-process |");
        output.WriteLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (nodes, inProcess, processes) in sizes)
        {
            foreach (var mode in inProcess.Select(r => r.Mode))
            {
                var one = inProcess.First(r => r.Mode == mode);
                var own = ModeResult.Find(processes, mode);
                output.WriteLine(Row(nodes, one, "one process", inProcess, null));
                if (own is not null) output.WriteLine(Row(nodes, own, "processes", processes, one));
            }
        }

        string Row(int nodes, ModeResult r, string hosting, IReadOnlyList<ModeResult> sameHosting, ModeResult? inProcess)
        {
            if (r.Runs.Count == 0) return $"| {nodes} | {r.Mode} | {hosting} | STALLED: {r.Stalled} | | | | | | | |";
            var raw = ModeResult.Find(sameHosting, "raw");
            var pubsub = ModeResult.Find(sameHosting, "pubsub");
            var (min, max) = r.Range(x => x.MsgsPerSec);
            var throughput = r.Runs.Count > 1 ? string.Create(inv, $"{r.MsgsPerSec:N0} ({min:N0}-{max:N0})") : string.Create(inv, $"{r.MsgsPerSec:N0}");
            return string.Create(inv,
                $"| {nodes} | {r.Mode}{r.Mark} | {hosting} | {throughput} | {Ratio(r.MsgsPerSec, raw?.MsgsPerSec)} | {Ratio(r.MsgsPerSec, pubsub?.MsgsPerSec)} | " +
                $"{r.P50Ms:F1} / {r.P99Ms:F1} | {(r.BytesPerMsg is { } b ? b.ToString("F0", inv) : "n/a")} | {(r.ProtocolPerMsg is { } p ? p.ToString("F2", inv) : "")} | {(r.CpuUsPerMsg is { } cpu ? cpu.ToString("F0", inv) : "")} | " +
                $"{Ratio(r.MsgsPerSec, inProcess?.MsgsPerSec)} |");
        }
    }

    public static string Ratio(double value, double? baseline) =>
        baseline is { } b && b > 0 && !double.IsNaN(value) ? (value / b).ToString("F2", CultureInfo.InvariantCulture) : "";
}
