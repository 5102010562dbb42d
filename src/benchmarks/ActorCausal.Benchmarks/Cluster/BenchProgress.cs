using System.Diagnostics;
using Spectre.Console;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// Progress of a long cluster benchmark: one step per warm-up or timed run. On an interactive terminal a Spectre.Console
/// progress bar (lines print above it); otherwise each step prints a line with the count and the time so far.
/// </summary>
public sealed class BenchProgress
{
    private readonly TextWriter _output;
    private readonly int _totalSteps;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private ProgressTask? _bar;
    private int _done;

    private BenchProgress(TextWriter output, int totalSteps)
    {
        _output = output;
        _totalSteps = totalSteps;
    }

    /// <summary>A text-only progress (tests, redirected output).</summary>
    public static BenchProgress Lines(TextWriter output, int totalSteps) => new(output, totalSteps);

    /// <summary>Runs <paramref name="body"/> with a progress bar when the console is interactive, else with progress lines.</summary>
    public static async Task<T> RunAsync<T>(TextWriter output, int totalSteps, Func<BenchProgress, Task<T>> body)
    {
        var progress = new BenchProgress(output, totalSteps);
        if (!ReferenceEquals(output, Console.Out) || !AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return await body(progress);
        var result = default(T)!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                progress._bar = ctx.AddTask("starting", maxValue: totalSteps);
                result = await body(progress);
            });
        return result;
    }

    public void Line(string text)
    {
        if (_bar is not null) AnsiConsole.WriteLine(text);
        else _output.WriteLine(text);
    }

    /// <summary>One step done; <paramref name="what"/> says which.</summary>
    public void Step(string what)
    {
        _done++;
        if (_bar is not null)
        {
            _bar.Description = Markup.Escape(what);
            _bar.Increment(1);
            AnsiConsole.WriteLine("   " + what);
            return;
        }
        _output.WriteLine($"   [{_done}/{_totalSteps}, {_elapsed.Elapsed:mm\\:ss}] {what}");
    }
}
