using System.CommandLine;

namespace GroupChat.Bench;

public static class BenchCommand
{
    public static Command Create()
    {
        var posts = new Option<int>("--posts") { Description = "Posts in all, spread over the three nodes' HTTP APIs.", DefaultValueFactory = _ => 10_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "HTTP requests in flight at once (all nodes together).", DefaultValueFactory = _ => 48 };
        var runs = new Option<int>("--runs") { Description = "Independent runs (fresh clusters each); medians and ranges are printed.", DefaultValueFactory = _ => 1 };
        var attachments = new Option<int>("--attachments") { Description = "Attachments (10 KiB each) uploaded before the posts; every tenth post shows one.", DefaultValueFactory = _ => 100 };
        var joiner = new Option<bool>("--joiner") { Description = "After the replicated posts, start a fourth node and time its state transfer.", DefaultValueFactory = _ => true };
        var ceiling = new Option<bool>("--ceiling")
        {
            Description = "Also run the same load against the three nodes with replication off (each node stores its own posts only) and print the ratio.",
            DefaultValueFactory = _ => true,
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Posts of an unreported first round of every mode (JIT, thread pool, SQLite), so that no mode pays the warm-up in run 1; 0 skips it.",
            DefaultValueFactory = _ => 1_000,
        };
        var config = new Option<string?>("--config") { Description = "HOCON added to every node's configuration in both modes (e.g. \"actorcausal.batching.linger = 1ms\"), to compare a setting." };
        var command = new Command("bench", "Load: posts through the three nodes' HTTP APIs at once; checks that every node ends with the same history; prints posts/s and the POST-to-visible-on-every-node latency, beside the same load with replication off (the ceiling).")
        {
            posts, concurrency, runs, attachments, joiner, ceiling, warmup, config,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var options = new ChatBench.Options(parse.GetValue(posts), parse.GetValue(concurrency), parse.GetValue(attachments), parse.GetValue(joiner))
            {
                ExtraConfig = parse.GetValue(config),
            };
            var modes = parse.GetValue(ceiling) ? new[] { options, options with { ReplicationOff = true } } : [options];
            if (parse.GetValue(warmup) is > 0 and var warm)
            {
                Console.WriteLine($"warm-up: {warm} posts in each mode (not reported)");
                foreach (var mode in modes)
                {
                    var result = await ChatBench.RunAsync(mode with { Posts = warm, Attachments = Math.Min(mode.Attachments, 10), Joiner = false }, TextWriter.Null, cancel);
                    if (result.Consistent) continue;
                    Console.WriteLine($"warm-up, {(mode.ReplicationOff ? "replication off" : "replicated")}: {result}");
                    return 1;
                }
            }
            var results = modes.Select(_ => new List<ChatBench.Result>()).ToArray();
            for (var run = 1; run <= parse.GetValue(runs); run++)
            {
                for (var m = 0; m < modes.Length; m++)
                {
                    var mode = modes[m].ReplicationOff ? "replication off" : "replicated";
                    Console.WriteLine($"run {run}, {mode}: {options.Posts} posts, {options.Concurrency} in flight, {options.Attachments} attachments");
                    var result = await ChatBench.RunAsync(modes[m], Console.Out, cancel);
                    Console.WriteLine($"run {run}, {mode}: {result}");
                    results[m].Add(result);
                    if (!result.Consistent) return 1;
                }
            }
            Console.WriteLine();
            Console.WriteLine(BenchReport.Table(results[0], results.Length > 1 ? results[1] : []));
            return 0;
        });
        return command;
    }
}
