using System.Text.Json;

namespace CollabEditor.Bench;

/// <summary>Prints the figures side by side per trace with ratios to the best peer, and writes them as JSON.</summary>
public static class BenchReport
{
    private sealed record Row(string Name, Func<LibFigures, Timing?>? Time, Func<LibFigures, long?>? Size, bool Cold = false);

    private static readonly Row[] Rows =
    [
        new("local replay", f => f.LocalReplay, null),
        new("  cold first run", f => f.LocalReplay, null, Cold: true),
        new("remote updates (all, to an empty replica)", f => f.RemoteUpdates, null),
        new("  cold first run", f => f.RemoteUpdates, null, Cold: true),
        new("per-agent replicas merging at the parents", f => f.PerAgentMerge, null),
        new("  cold first run", f => f.PerAgentMerge, null, Cold: true),
        new("per-agent, every edit at a past version", f => f.PastVersionMerge, null),
        new("full-state load", f => f.Load, null),
        new("encoded size", null, f => f.EncodedBytes),
        new("memory of the replayed document", null, f => f.MemoryBytes),
    ];

    public static void Print(IReadOnlyList<LibFigures> all, TextWriter w)
    {
        foreach (var trace in all.Select(f => f.Trace).Distinct())
        {
            var libs = all.Where(f => f.Trace == trace).ToList();
            w.WriteLine();
            w.WriteLine($"== {trace}");
            w.WriteLine($"{"figure",-44}" + string.Concat(libs.Select(l => $"{l.Lib,27}")) + "   best peer / ours");
            foreach (var row in Rows)
            {
                var cells = libs.Select(l => Cell(row, l)).ToList();
                if (cells.All(c => c is null)) continue;
                w.WriteLine($"{row.Name,-44}" + string.Concat(cells.Select(c => $"{c ?? "-",27}")) + "   " + Ratio(row, libs));
            }
            foreach (var l in libs.Where(l => l.Note is not null)) w.WriteLine($"  {l.Lib}: {l.Note}");
        }
    }

    private static string? Cell(Row row, LibFigures f)
    {
        if (row.Time is not null)
        {
            var t = row.Time(f);
            if (t is null) return null;
            return row.Cold ? Timing.Ms(t.ColdMs) : t.ToString();
        }
        var s = row.Size!(f);
        return s is null ? null : s >= 1 << 20 ? $"{s / 1048576.0:F2} MB" : $"{s / 1024.0:F1} KB";
    }

    private static string Ratio(Row row, List<LibFigures> libs)
    {
        var ours = libs.FirstOrDefault(l => l.Lib == "ours");
        var peers = libs.Where(l => PeerBench.Libs.Contains(l.Lib)).ToList();
        var naive = libs.FirstOrDefault(l => l.Lib == "naive");
        if (ours is null) return "";
        var parts = new List<string>();
        if (row.Time is not null)
        {
            double? Of(LibFigures f) => row.Time(f) is { } t ? (row.Cold ? t.ColdMs : t.MedianMs) : null;
            var o = Of(ours);
            if (o is null) return "";
            var best = peers.Select(p => (p.Lib, V: Of(p))).Where(p => p.V is not null).OrderBy(p => p.V).FirstOrDefault();
            if (best.V is not null) parts.Add($"{best.V / o:F1}x faster than {best.Lib}");
            if (naive is not null && !row.Cold && Of(naive) is { } n) parts.Add($"{n / o:F0}x naive");
        }
        else
        {
            var o = row.Size!(ours);
            var best = peers.Select(p => (p.Lib, V: row.Size(p))).Where(p => p.V is > 0).OrderBy(p => p.V).FirstOrDefault();
            if (o is not null && best.V is not null) parts.Add($"ours = {(double)o / best.V:F2} of {best.Lib}");
        }
        return string.Join(", ", parts);
    }

    public static void WriteJson(IReadOnlyList<LibFigures> all, IReadOnlyDictionary<string, object> extra, string path)
    {
        object T(Timing? t) => t is null ? null! : new { runs_ms = t.RunsMs, cold_ms = t.ColdMs, median_ms = t.MedianMs, min_ms = t.MinMs, max_ms = t.MaxMs };
        var rows = all.Select(f => new
        {
            lib = f.Lib, trace = f.Trace, local_replay = T(f.LocalReplay), remote_updates = T(f.RemoteUpdates),
            per_agent_merge = T(f.PerAgentMerge), past_version_merge = T(f.PastVersionMerge), load = T(f.Load),
            encoded_bytes = f.EncodedBytes, memory_bytes = f.MemoryBytes, note = f.Note,
        });
        File.WriteAllText(path, JsonSerializer.Serialize(new { figures = rows, extra }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
