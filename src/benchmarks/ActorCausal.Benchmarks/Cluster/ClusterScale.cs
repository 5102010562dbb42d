using System.Text.Json.Nodes;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// The cluster benchmark at one or several sizes in one invocation: every mode at each size, then one table. With
/// <c>--compare-in-process</c> (and <c>--processes</c>) each mode runs in one process and then on node processes, back
/// to back, so that load swings on a shared machine hit both alike.
/// </summary>
public static class ClusterScale
{
    public sealed record Outcome(bool Success, JsonObject Json);

    public static async Task<Outcome> RunAsync(IReadOnlyList<int> sizes, ClusterOptions options, bool compareInProcess, TextWriter output)
    {
        var modes = new ClusterBench(options, output).Modes;
        var hostings = compareInProcess ? new[] { false, true } : new[] { options.Processes };
        // Without the comparison one bench per size runs every mode; with it, one bench per size, mode and hosting.
        var plan = compareInProcess
            ? sizes.SelectMany(n => modes.SelectMany(m => hostings.Select(p => options with { Nodes = n, Only = m, Processes = p }))).ToList()
            : sizes.Select(n => options with { Nodes = n }).ToList();
        var firstInProcess = plan.FindIndex(o => !o.Processes);
        var steps = plan.Select((o, i) => new ClusterBench(o, output).Modes.Select((m, j) => new ClusterBench(o, output).StepsOf(m, i == firstInProcess && j == 0)).Sum()).Sum();

        var ran = await BenchProgress.RunAsync(output, steps, async progress =>
        {
            var all = new List<(ClusterOptions Options, ClusterBench Bench, IReadOnlyList<ModeResult> Results)>();
            for (var i = 0; i < plan.Count; i++)
            {
                var bench = new ClusterBench(plan[i], output, progress);
                all.Add((plan[i], bench, await bench.RunAsync(firstOfProcess: i == firstInProcess)));
            }
            return all;
        });

        var byHosting = hostings.ToDictionary(p => p, p => sizes.Select(n =>
        {
            var runs = ran.Where(r => r.Options.Processes == p && r.Options.Nodes == n).ToList();
            var sized = options with { Nodes = n, Processes = p };
            return (Nodes: n, Bench: new ClusterBench(sized, output), Results: (IReadOnlyList<ModeResult>)runs.SelectMany(r => r.Results).ToList(),
                Check: runs.Select(r => r.Bench.CheckReport).LastOrDefault(c => c is not null));
        }).ToList());

        foreach (var (processes, sized) in byHosting)
        {
            if (compareInProcess) output.WriteLine($"{Environment.NewLine}== {(processes ? "one node per process" : "every node in one process")}");
            foreach (var s in sized) s.Bench.Print(s.Results);
            ScaleTable.Print(sized.Select(s => (s.Nodes, s.Results)).ToList(), options, output);
        }
        if (compareInProcess)
            CompareTable.Print(sizes.Select((n, i) => (n, byHosting[false][i].Results, byHosting[true][i].Results)).ToList(), options, output);

        var success = byHosting.Values.All(sized => sized.All(s => s.Results.All(r => r.Complete) && (s.Check is null || (int)s.Check["violations"]! == 0)));
        JsonObject Json(bool processes)
        {
            var sized = byHosting[processes];
            return sizes.Count == 1
                ? sized[0].Bench.ToJson(sized[0].Results, sized[0].Check)
                : new JsonObject { ["sizes"] = new JsonArray(sized.Select(s => (JsonNode)s.Bench.ToJson(s.Results, s.Check)).ToArray()) };
        }
        var json = compareInProcess ? new JsonObject { ["in_process"] = Json(false), ["processes"] = Json(true) } : Json(options.Processes);
        return new Outcome(success, json);
    }
}
