using System.CommandLine;

namespace GroupChat.Bench;

public static class BenchCommand
{
    public static Command Create()
    {
        var posts = new Option<int>("--posts") { Description = "Posts in all, spread over the three nodes' HTTP APIs.", DefaultValueFactory = _ => 10_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "HTTP requests in flight at once (all nodes together).", DefaultValueFactory = _ => 48 };
        var runs = new Option<int>("--runs") { Description = "Independent runs (a fresh cluster each); medians and ranges are printed.", DefaultValueFactory = _ => 1 };
        var attachments = new Option<int>("--attachments") { Description = "Attachments (10 KiB each) uploaded before the posts; every tenth post shows one.", DefaultValueFactory = _ => 100 };
        var joiner = new Option<bool>("--joiner") { Description = "After the posts, start a fourth node and time its state transfer.", DefaultValueFactory = _ => true };
        var command = new Command("bench", "Load: posts through the three nodes' HTTP APIs at once; checks that every node ends with the same history; prints posts/s and the POST-to-visible-on-every-node latency.")
        {
            posts, concurrency, runs, attachments, joiner,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var options = new ChatBench.Options(parse.GetValue(posts), parse.GetValue(concurrency), parse.GetValue(attachments), parse.GetValue(joiner));
            var results = new List<ChatBench.Result>();
            for (var run = 1; run <= parse.GetValue(runs); run++)
            {
                Console.WriteLine($"run {run}: {options.Posts} posts, {options.Concurrency} in flight, {options.Attachments} attachments");
                var result = await ChatBench.RunAsync(options, Console.Out, cancel);
                Console.WriteLine($"run {run}: {result}");
                results.Add(result);
                if (!result.Consistent) return 1;
            }
            if (results.Count > 1) Console.WriteLine(ChatBench.Summary(results));
            return 0;
        });
        return command;
    }
}
