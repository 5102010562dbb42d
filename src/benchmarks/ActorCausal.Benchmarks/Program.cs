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

        var nodes = new Option<string>("--nodes") { Description = "ActorSystems in the cluster (127.0.0.1); several sizes comma-separated (3,5,9,17) run every mode at each size and print one table.", DefaultValueFactory = _ => "3" };
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
        var lastNodeConfig = new Option<string?>("--last-node-config") { Description = "In one process: HOCON laid over the last node's configuration only, e.g. a slow acknowledger: \"actorcausal.protocol.safe-ack-delay = 500ms\"." };
        var processes = new Option<bool>("--processes") { Description = "One node per OS process (this program started again for each node, 127.0.0.1) instead of every node in this one." };
        var stepTimeout = new Option<double>("--step-timeout") { Description = "Seconds any one step (an ask, the cluster forming, a group view) may take before the mode is reported as stalled and the next one runs.", DefaultValueFactory = _ => BenchSteps.DefaultBound.TotalSeconds };
        var compare = new Option<bool>("--compare-in-process") { Description = "With --processes: run each mode in one process too, back to back, and print both side by side." };
        var cluster = new Command("cluster", "Akka cluster on 127.0.0.1 (in one process, or one node per process): raw Tell fan-out, DistributedPubSub and the ActorCausal orders on the same workload.")
        {
            nodes, messages, clusterRuns, window, only, log, check, noWarmUp, clusterJson, config, lastNodeConfig, processes, compare, stepTimeout,
        };
        cluster.Validators.Add(result =>
        {
            var multiProcess = result.GetValue(processes) || result.GetValue(compare);
            if (result.GetValue(compare) && !result.GetValue(processes)) result.AddError("--compare-in-process goes with --processes.");
            if (multiProcess && result.GetValue(log) is not null) result.AddError("--log needs every node in one process (drop --processes).");
            if (multiProcess && result.GetValue(check)) result.AddError("--check needs every node in one process (drop --processes).");
            if (multiProcess && result.GetValue(lastNodeConfig) is not null) result.AddError("--last-node-config needs every node in one process (drop --processes).");
        });
        cluster.SetAction(parse =>
        {
            var sizes = ParseSizes(parse.GetValue(nodes)!);
            var stepSeconds = parse.GetValue(stepTimeout);
            if (!(stepSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(stepTimeout), stepSeconds, "--step-timeout must be positive.");
            BenchSteps.Bound = TimeSpan.FromSeconds(stepSeconds);
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
                LastNodeConfig = parse.GetValue(lastNodeConfig),
                Processes = parse.GetValue(processes),
            };
            if (options.Messages < sizes.Max()) throw new ArgumentOutOfRangeException(nameof(messages), options.Messages, "--messages must be at least --nodes.");
            if (options.Runs < 1) throw new ArgumentOutOfRangeException(nameof(clusterRuns), options.Runs, "--runs must be at least 1.");
            if (options.Window < 1) throw new ArgumentOutOfRangeException(nameof(window), options.Window, "--window must be at least 1.");
            ClusterScale.Outcome run;
            try
            {
                run = ClusterScale.RunAsync(sizes, options, parse.GetValue(compare), Console.Out).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is NodeCrashedException or PlatformNotSupportedException)
            {
                Console.Error.WriteLine($"cluster: {e.Message}");
                return 1;
            }
            if (parse.GetValue(clusterJson) is { } file)
            {
                File.WriteAllText(file.FullName, run.Json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {file.FullName}");
            }
            return run.Success ? 0 : 1;
        });
        root.Add(cluster);
        root.Add(ClusterNodeCommand());
        root.Add(PerCopyCommand());

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

    private static Command PerCopyCommand()
    {
        var nodes = new Option<string>("--nodes") { Description = "Group sizes, comma-separated.", DefaultValueFactory = _ => "3,5,9,17" };
        var batch = new Option<int>("--batch") { Description = "Data messages per envelope.", DefaultValueFactory = _ => 100 };
        var rounds = new Option<int>("--rounds") { Description = "Batches per sender.", DefaultValueFactory = _ => 40 };
        var command = new Command("percopy", "What one delivered copy of a causal broadcast costs at each group size: serialization, deserialization, protocol (one thread; allocations are counts).") { nodes, batch, rounds };
        command.SetAction(parse =>
        {
            PerCopy.PerCopyCost.Run(ParseSizes(parse.GetValue(nodes)!), parse.GetValue(batch), parse.GetValue(rounds), Console.Out);
            return 0;
        });
        return command;
    }

    /// <summary>Hidden: one node of <c>cluster --processes</c>, started by the benchmark itself.</summary>
    private static Command ClusterNodeCommand()
    {
        var index = new Option<int>("--index") { Required = true };
        var nodes = new Option<int>("--nodes") { Required = true };
        var parentPid = new Option<int>("--parent-pid") { Required = true };
        var board = new Option<string>("--board") { Required = true };
        var batching = new Option<string>("--batching") { DefaultValueFactory = _ => "on" };
        var config = new Option<string?>("--config");
        var stepTimeout = new Option<double>("--step-timeout") { Required = true };
        var command = new Command("cluster-node", "One node of cluster --processes, driven by the parent on stdin.") { Hidden = true };
        foreach (var option in new Option[] { index, nodes, parentPid, board, batching, config, stepTimeout }) command.Add(option);
        command.SetAction(parse =>
        {
            BenchSteps.Bound = TimeSpan.FromSeconds(parse.GetValue(stepTimeout));
            return NodeChild.RunAsync(new NodeChild.Options(
            parse.GetValue(index), parse.GetValue(nodes), parse.GetValue(parentPid), parse.GetValue(board)!, parse.GetValue(batching) == "on", parse.GetValue(config))).GetAwaiter().GetResult();
        });
        return command;
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
