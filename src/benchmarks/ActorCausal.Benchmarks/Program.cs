using System.CommandLine;
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
}
