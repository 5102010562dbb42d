using System.CommandLine;
using System.Text;
using System.Text.Json;
using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Traces;
using Spectre.Console;

namespace CollabEditor.Cli;

/// <summary><c>replay TRACE.json.gz [--nodes N] [--batch-ms T] [--json FILE] [--dump DIR]</c>. Exit 0 when every replica
/// ends at endContent, 1 when one does not, 2 for a bad trace or arguments.</summary>
public static class ReplayCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var trace = new Argument<string>("trace") { Description = "A trace in the josephg/editing-traces formats (.json or .json.gz); a relative path is looked up from the current folder and the folders above it." };
        var nodes = new Option<int?>("--nodes") { Description = "Nodes in the in-process cluster. Concurrent traces: agent a on node a mod N (default: one node per agent up to 16 agents, else 3); sequential: default 3." };
        var batchMs = new Option<int>("--batch-ms") { Description = "Local edits per causal broadcast: one broadcast per this many ms (0: one per edit).", DefaultValueFactory = _ => 5 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the result to this JSON file." };
        var dump = new Option<DirectoryInfo?>("--dump") { Description = "Write each replica's final text to DIR/replica-K.txt (UTF-8)." };
        var command = new Command("replay", "Replay an editing trace over a real cluster of nodes in this process and check that every replica converges.")
        {
            trace, nodes, batchMs, json, dump,
        };
        command.SetAction(async (parse, cancel) =>
        {
            try
            {
                return await Execute(parse, cancel);
            }
            catch (Exception e) when (e is TraceFormatException or EditRejectedException)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error.WriteLine($"error: the replay failed: {e.GetType().Name}: {e.Message}");
                return 1;
            }
        });
        return command;

        async Task<int> Execute(ParseResult parse, CancellationToken cancel)
        {
            var file = new FileInfo(TracePath.Resolve(parse.GetValue(trace)!));
            var batch = parse.GetValue(batchMs);
            if (batch < 0)
            {
                error.WriteLine("error: --batch-ms must be 0 or more");
                return 2;
            }
            EditTrace t;
            try
            {
                t = EditTrace.Load(file.FullName);
                // a dry run on local replicas: a malformed trace is refused before any node starts, naming the transaction
                if (t.Concurrent) LocalReplay.OneReplica(t, new Causality(t));
                else LocalReplay.Sequential(t);
            }
            catch (TraceFormatException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            var n = parse.GetValue(nodes) ?? (t.Concurrent && t.NumAgents <= 16 ? t.NumAgents : 3);
            if (n < 1 || n > 64)
            {
                error.WriteLine("error: --nodes must be in 1..64");
                return 2;
            }
            ReplayResult result;
            try
            {
                result = await RunWithProgress(t, n, batch, file.Name, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected, cancel);
            }
            catch (TraceFormatException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            Report(result, output);
            if (parse.GetValue(dump) is { } dir)
            {
                dir.Create();
                for (var k = 0; k < result.Texts.Length; k++)
                    File.WriteAllText(Path.Combine(dir.FullName, $"replica-{k}.txt"), result.Texts[k], new UTF8Encoding(false));
                output.WriteLine($"dumped {result.Texts.Length} replicas to {dir.FullName}");
            }
            if (parse.GetValue(json) is { } j)
            {
                File.WriteAllText(j.FullName, JsonSerializer.Serialize(new
                {
                    trace = file.Name, converged = result.Converged, replicas = result.Replicas, ops = result.Ops, txns = result.Txns,
                    seconds = result.Seconds, ops_per_sec = result.OpsPerSec, nodes = n, batch_ms = batch,
                    first_difference = result.FirstDifference, error = result.Error,
                }, new JsonSerializerOptions { WriteIndented = true }));
            }
            if (result.Error is not null && result.Error.StartsWith("transaction", StringComparison.Ordinal)) return 2;
            return result.Converged ? 0 : 1;
        }
    }

    private static async Task<ReplayResult> RunWithProgress(EditTrace t, int nodes, int batchMs, string name, bool bar, CancellationToken cancel)
    {
        if (!bar) return await ClusterReplay.Run(t, nodes, batchMs, cancel: cancel);
        ReplayResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"{name} over {nodes} nodes");
                result = await ClusterReplay.Run(t, nodes, batchMs, (done, total) =>
                {
                    task.MaxValue = total;
                    task.Value = done;
                }, cancel: cancel);
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Report(ReplayResult r, TextWriter output)
    {
        output.WriteLine($"converged   {(r.Converged ? "true" : "false")}");
        output.WriteLine($"replicas    {r.Replicas}");
        output.WriteLine($"ops         {r.Ops}");
        output.WriteLine($"seconds     {r.Seconds:F3}");
        output.WriteLine($"ops_per_sec {r.OpsPerSec:F0}");
        if (r.Error is not null) output.WriteLine($"error       {r.Error}");
        for (var k = 0; k < r.FirstDifference.Length; k++)
            if (r.FirstDifference[k] >= 0) output.WriteLine($"replica {k} differs from endContent at code point {r.FirstDifference[k]}");
    }
}
