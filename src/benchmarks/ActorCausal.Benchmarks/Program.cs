using System.CommandLine;
using ActorCausal.Benchmarks.Cluster;
using ActorCausal.Benchmarks.Core;
using BenchmarkDotNet.Running;

namespace ActorCausal.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("ActorCausal benchmarks. Build and run in Release: dotnet run -c Release --project src/benchmarks/ActorCausal.Benchmarks -- <command>");

        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        var runs = new Option<int?>("--runs") { Description = "Timed runs per figure (median reported). Default 7." };
        var quick = new Option<bool>("--quick") { Description = "Small inputs and 3 runs: a smoke test, not figures to quote." };
        var core = new Command("core", "Headline figures: causal delivery in order and reversed, the naive baseline, ISIS total order (3- and 2-step).")
        {
            json, runs, quick,
        };
        core.SetAction(parse =>
        {
            var options = parse.GetValue(quick) ? CoreOptions.Quick : new CoreOptions();
            if (parse.GetValue(runs) is { } r)
            {
                if (r < 1) throw new ArgumentOutOfRangeException(nameof(runs), r, "--runs must be at least 1.");
                options = options with { Runs = r };
            }
            var suite = new CoreSuite(options, Console.Out);
            var results = suite.Run();
            suite.Print(results);
            if (parse.GetValue(json) is { } file)
            {
                CoreSuite.WriteJson(results, options, file.FullName);
                Console.WriteLine($"wrote {file.FullName}");
            }
            return 0;
        });
        root.Add(core);

        var nodes = new Option<string>("--nodes") { Description = "ActorSystems in the cluster (one process, 127.0.0.1); several sizes comma-separated (3,5,9,17) run every mode at each size and print one table.", DefaultValueFactory = _ => "3" };
        var messages = new Option<int?>("--messages") { Description = $"Messages per run, split across the nodes; each is delivered at every node. Default {ClusterOptions.DefaultMessages:N0} for one size, {ClusterOptions.DefaultMessagesPerSize:N0} per size for several." };
        var clusterRuns = new Option<int>("--runs") { Description = "Timed runs per mode (median reported).", DefaultValueFactory = _ => 3 };
        var window = new Option<int>("--window") { Description = "Per node: at most this many of its messages not yet delivered at every node.", DefaultValueFactory = _ => 500 };
        var only = new Option<string?>("--only") { Description = "Run these modes (comma-separated, in this order): " + string.Join(", ", ClusterBench.AllModes) + "." };
        only.Validators.Add(result =>
        {
            var unknown = result.GetValueOrDefault<string?>()?.Split(',').Where(m => !ClusterBench.AllModes.Contains(m)).ToList();
            if (unknown is { Count: > 0 }) result.AddError($"Unknown mode(s) {string.Join(", ", unknown)}; modes: {string.Join(", ", ClusterBench.AllModes)}.");
        });
        var log = new Option<DirectoryInfo?>("--log") { Description = "ActorCausal modes: write one JSON-lines history per member into this folder." };
        var check = new Option<bool>("--check") { Description = "causal mode: feed the recorded histories to the invariant checker and report the managed heap before and after the run." };
        var noWarmUp = new Option<bool>("--no-warmup") { Description = "Skip the untimed warm-up runs of each mode." };
        var clusterJson = new Option<FileInfo?>("--json") { Description = "Also write the figures to this JSON file." };
        var config = new Option<string?>("--config") { Description = "HOCON laid over the benchmark's configuration, e.g. \"actorcausal.protocol.safe-ack-delay = 5ms\"." };
        var cluster = new Command("cluster", "Akka cluster in one process: raw Tell fan-out, DistributedPubSub and the ActorCausal orders on the same workload.")
        {
            nodes, messages, clusterRuns, window, only, log, check, noWarmUp, clusterJson, config,
        };
        cluster.SetAction(parse =>
        {
            var sizes = ParseSizes(parse.GetValue(nodes)!);
            var options = new ClusterOptions
            {
                Nodes = sizes[0],
                Messages = parse.GetValue(messages) ?? (sizes.Count > 1 ? ClusterOptions.DefaultMessagesPerSize : ClusterOptions.DefaultMessages),
                Runs = parse.GetValue(clusterRuns),
                Window = parse.GetValue(window),
                Only = parse.GetValue(only),
                LogDir = parse.GetValue(log)?.FullName,
                Check = parse.GetValue(check),
                WarmUp = !parse.GetValue(noWarmUp),
                Config = parse.GetValue(config),
            };
            if (options.Messages < sizes.Max()) throw new ArgumentOutOfRangeException(nameof(messages), options.Messages, "--messages must be at least --nodes.");
            if (options.Runs < 1) throw new ArgumentOutOfRangeException(nameof(clusterRuns), options.Runs, "--runs must be at least 1.");
            if (options.Window < 1) throw new ArgumentOutOfRangeException(nameof(window), options.Window, "--window must be at least 1.");
            var run = ClusterScale.RunAsync(sizes, options, Console.Out).GetAwaiter().GetResult();
            if (parse.GetValue(clusterJson) is { } file)
            {
                File.WriteAllText(file.FullName, run.Json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {file.FullName}");
            }
            return run.Success ? 0 : 1;
        });
        root.Add(cluster);

        // Everything after `micro` belongs to BenchmarkDotNet (e.g. `micro --filter '*VectorClock*'`, `micro --list flat`).
        var micro = new Command("micro", "BenchmarkDotNet micro benchmarks; the remaining arguments go to BenchmarkSwitcher (try: micro --filter '*').")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        micro.SetAction(parse =>
        {
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(parse.UnmatchedTokens.ToArray());
            return 0;
        });
        root.Add(micro);

        return root.Parse(args).Invoke();
    }

    private static List<int> ParseSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, out var n) || n < 2) throw new ArgumentOutOfRangeException("--nodes", text, $"--nodes takes sizes of at least 2, comma-separated; '{part}' is not one.");
            sizes.Add(n);
        }
        if (sizes.Count == 0) throw new ArgumentOutOfRangeException("--nodes", text, "--nodes needs at least one size.");
        return sizes;
    }
}
