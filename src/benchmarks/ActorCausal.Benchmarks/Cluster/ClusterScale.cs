using System.Text.Json.Nodes;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>The cluster benchmark at one or several sizes in one invocation: every mode at each size, then one table.</summary>
public static class ClusterScale
{
    public sealed record Outcome(bool Success, JsonObject Json);

    public static async Task<Outcome> RunAsync(IReadOnlyList<int> sizes, ClusterOptions options, TextWriter output)
    {
        var benches = sizes.Select(n => new { Nodes = n, Options = options with { Nodes = n } }).ToList();
        var modes = new ClusterBench(options, output).Modes;
        var steps = benches.Sum(b => modes.Select((m, i) => new ClusterBench(b.Options, output).StepsOf(m, b == benches[0] && i == 0)).Sum());
        var sized = await BenchProgress.RunAsync(output, steps, async progress =>
        {
            var all = new List<(int Nodes, ClusterBench Bench, IReadOnlyList<ModeResult> Results)>();
            foreach (var b in benches)
            {
                var bench = new ClusterBench(b.Options, output, progress);
                all.Add((b.Nodes, bench, await bench.RunAsync(firstOfProcess: all.Count == 0)));
            }
            return all;
        });
        foreach (var (_, bench, results) in sized) bench.Print(results);
        ScaleTable.Print(sized.Select(s => (s.Nodes, s.Results)).ToList(), options, output);

        var success = sized.All(s => s.Results.All(r => r.Complete) && (s.Bench.CheckReport is null || (int)s.Bench.CheckReport["violations"]! == 0));
        var json = sizes.Count == 1
            ? sized[0].Bench.ToJson(sized[0].Results)
            : new JsonObject { ["sizes"] = new JsonArray(sized.Select(s => (JsonNode)s.Bench.ToJson(s.Results)).ToArray()) };
        return new Outcome(success, json);
    }
}
