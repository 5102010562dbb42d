using System.CommandLine;
using System.Runtime.InteropServices;
using GroupChat.Actors;
using GroupChat.Bench;
using GroupChat.Web;

namespace GroupChat;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var port = new Option<int?>("--port") { Description = "Akka remoting port of this node: runs one node of a real cluster (several processes or machines)." };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port of this node's page and API.", DefaultValueFactory = _ => 5001 };
        var host = new Option<string>("--host") { Description = "Address to bind and advertise (Akka and HTTP).", DefaultValueFactory = _ => "127.0.0.1" };
        var seed = new Option<string[]>("--seed") { Description = "Seed node host:port (repeatable). Without it, the node founds a new cluster.", AllowMultipleArgumentsPerToken = true };
        var data = new Option<string>("--data") { Description = "Data directory: one SQLite file per node.", DefaultValueFactory = _ => "groupchat-data" };
        var name = new Option<string?>("--name") { Description = "Node name (its database file is <data>/<name>.db). Default: node-<port>." };
        var nodes = new Option<int>("--nodes") { Description = "Nodes of the in-process cluster (no --port).", DefaultValueFactory = _ => 3 };

        var root = new RootCommand("GroupChat: a group chat on ActorCausal. With no options, three nodes in this process on loopback, pages at http://127.0.0.1:5001..5003.")
        {
            port, httpPort, host, seed, data, name, nodes,
        };
        root.SetAction(async (parse, cancel) =>
        {
            var stop = StopSignal();
            if (parse.GetValue(port) is { } akkaPort)
            {
                var options = new NodeOptions
                {
                    Name = parse.GetValue(name) ?? $"node-{akkaPort}",
                    Host = parse.GetValue(host)!,
                    Port = akkaPort,
                    Seeds = parse.GetValue(seed) ?? [],
                    DataDirectory = parse.GetValue(data)!,
                };
                var node = await ChatNode.StartAsync(options, options.Host, parse.GetValue(httpPort));
                Console.WriteLine($"{options.Name}: {node.Url} (akka {node.Runtime?.Address}, data {Path.GetFullPath(options.DataDirectory)})");
                Console.WriteLine("Ctrl+C leaves the cluster gracefully.");
                await stop;
                Console.WriteLine("Leaving the cluster...");
                await node.DisposeAsync();
                return 0;
            }
            var cluster = await InProcessCluster.StartAsync(parse.GetValue(nodes), parse.GetValue(data)!, parse.GetValue(httpPort), parse.GetValue(host)!);
            foreach (var n in cluster.Nodes) Console.WriteLine($"{n.Name}: {n.Url} (akka {n.Runtime?.Address})");
            Console.WriteLine($"Data: {Path.GetFullPath(parse.GetValue(data)!)}. Ctrl+C leaves the cluster gracefully.");
            await stop;
            Console.WriteLine("Leaving the cluster...");
            await cluster.DisposeAsync();
            return 0;
        });

        root.Subcommands.Add(BenchCommand.Create());
        // Ctrl+C and SIGTERM are handled by StopSignal alone (the nodes leave the cluster one by one, which takes seconds):
        // System.CommandLine's own handling ended the process with 130 while they were leaving.
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static readonly List<PosixSignalRegistration> SignalRegistrations = [];

    /// <summary>Completes on SIGINT (Ctrl+C) or SIGTERM; the process then ends when the nodes have left, not at once.</summary>
    private static Task StopSignal()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            SignalRegistrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                stopped.TrySetResult();
            }));
        }
        return stopped.Task;
    }
}
