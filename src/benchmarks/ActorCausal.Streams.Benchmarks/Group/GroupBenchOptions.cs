using System.Globalization;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>The options of the <c>group</c> command.</summary>
public sealed record GroupBenchOptions
{
    /// <summary>Messages broadcast per run, split evenly over the nodes; each is delivered at every node.</summary>
    public int Messages { get; init; } = 30_000;
    public int Runs { get; init; } = 3;
    /// <summary>ActorSystems in the cluster (one process), each a member and a writer.</summary>
    public int Nodes { get; init; } = 3;
    /// <summary>Subscriber and pubsub modes: per node, at most this many of its messages not yet delivered at every node.</summary>
    public int Window { get; init; } = 500;
    /// <summary>Comma-separated mode names; all by default.</summary>
    public string? Only { get; init; }
    /// <summary>Record what the stream mode's Sources emitted and run the invariant checker over it.</summary>
    public bool Check { get; init; }
    public bool WarmUp { get; init; } = true;
    /// <summary>HOCON laid over every node's configuration, e.g. <c>actorcausal.protocol.max-unstable = 1000</c>.</summary>
    public string? Config { get; init; }

    public const string Usage = "group [--nodes N] [--messages N] [--runs N] [--window N] [--only stream,subscriber,subscriber-answers,pubsub,source-only,sink-parallel64,...] [--check] [--no-warmup] [--config HOCON]";

    public static GroupBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new GroupBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. Usage: {Usage}");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a positive whole number, got '{args[i]}'. Usage: {Usage}");
            options = args[i] switch
            {
                "--messages" => options with { Messages = Count() },
                "--runs" => options with { Runs = Count() },
                "--nodes" => options with { Nodes = Count() },
                "--window" => options with { Window = Count() },
                "--only" => options with { Only = GroupMode.Named(Value()).Count > 0 ? args[i] : null },
                "--check" => options with { Check = true },
                "--no-warmup" => options with { WarmUp = false },
                "--config" => options with { Config = Hocon(Value()) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Usage: {Usage}"),
            };
        }
        return options;
    }

    private static string Hocon(string text)
    {
        try
        {
            Akka.Configuration.ConfigurationFactory.ParseString(text);
            return text;
        }
        catch (Exception e)
        {
            throw new ArgumentException($"--config is not valid HOCON ({e.Message}): '{text}'. Usage: {Usage}");
        }
    }
}
