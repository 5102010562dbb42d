using System.Globalization;

namespace GroupChat.Bench;

/// <summary>The bench's table: the replicated chat beside its ceiling (replication off), medians and ranges over the runs, and their ratio.</summary>
public static class BenchReport
{
    public static string Table(IReadOnlyList<ChatBench.Result> replicated, IReadOnlyList<ChatBench.Result> ceiling)
    {
        var rows = new List<string[]> { new[] { "", "posts/s", "p50 ms", "p99 ms", "CPU ms/post", "joiner s" } };
        rows.Add(Row("replicated", replicated));
        if (ceiling.Count > 0)
        {
            rows.Add(Row("replication off (ceiling)", ceiling));
            var pairs = replicated.Zip(ceiling).ToList();
            rows.Add(["replicated / ceiling", Stat(pairs.Select(p => p.First.PostsPerSecond / p.Second.PostsPerSecond), "F2"),
                Stat(pairs.Select(p => p.First.P50Ms / Math.Max(1, p.Second.P50Ms)), "F1"), Stat(pairs.Select(p => p.First.P99Ms / Math.Max(1, p.Second.P99Ms)), "F1"),
                Stat(pairs.Select(p => p.First.CpuMsPerPost / p.Second.CpuMsPerPost), "F2"), ""]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var title = replicated.Count > 1 ? $"median (range) over {replicated.Count} runs" : "one run";
        return title + Environment.NewLine + string.Join(Environment.NewLine,
            rows.Select(r => string.Join("  ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])))));
    }

    private static string[] Row(string name, IReadOnlyList<ChatBench.Result> results) =>
    [
        name, Stat(results.Select(r => r.PostsPerSecond), "N0"), Stat(results.Select(r => r.P50Ms), "F0"), Stat(results.Select(r => r.P99Ms), "F0"),
        Stat(results.Select(r => r.CpuMsPerPost), "F2"), results.All(r => r.JoinerSeconds is not null) ? Stat(results.Select(r => r.JoinerSeconds!.Value), "F1") : "",
    ];

    /// <summary>The value, or the median and the range over several runs.</summary>
    private static string Stat(IEnumerable<double> values, string format)
    {
        var v = values.Order().ToArray();
        string F(double x) => x.ToString(format, CultureInfo.InvariantCulture);
        return v.Length == 1 ? F(v[0]) : $"{F(ChatBench.Percentile(v, 0.5))} ({F(v[0])}–{F(v[^1])})";
    }
}
