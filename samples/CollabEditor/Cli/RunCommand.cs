using System.CommandLine;
using Akka.Actor;
using Akka.Cluster;
using CollabEditor.Nodes;

namespace CollabEditor.Cli;

/// <summary>No command: three nodes in this process on loopback, each with its web page. With --port, --http-port and
/// --seed: one node of a real cluster (several processes or machines).</summary>
public static class RunCommand
{
    public static void Configure(RootCommand root, TextWriter output, TextWriter error)
    {
        var port = new Option<int?>("--port") { Description = "Run one node: its Akka remoting port (0: any)." };
        var httpPort = new Option<int?>("--http-port") { Description = "Its web page's port (three local nodes: the first of three; default 5301)." };
        var seeds = new Option<string[]>("--seed") { Description = "A seed node to join, e.g. akka.tcp://collab@127.0.0.1:4053 (repeatable; none: this node founds the cluster).", AllowMultipleArgumentsPerToken = true };
        var host = new Option<string>("--host") { Description = "The address to bind and advertise.", DefaultValueFactory = _ => "127.0.0.1" };
        var batchMs = new Option<int>("--batch-ms") { Description = "Local edits per causal broadcast: one broadcast per this many ms (0: one per edit).", DefaultValueFactory = _ => 20 };
        var nodes = new Option<int>("--nodes") { Description = "Local nodes to start when running in one process.", DefaultValueFactory = _ => 3 };
        root.Add(port);
        root.Add(httpPort);
        root.Add(seeds);
        root.Add(host);
        root.Add(batchMs);
        root.Add(nodes);
        root.SetAction(async (parse, cancel) =>
        {
            var h = parse.GetValue(host)!;
            var batch = parse.GetValue(batchMs);
            var running = new List<EditorNode>();
            try
            {
                if (parse.GetValue(port) is { } p || parse.GetValue(seeds) is { Length: > 0 })
                {
                    var akkaPort = parse.GetValue(port) ?? 0;
                    var seedList = parse.GetValue(seeds) ?? [];
                    var system = ActorSystem.Create(EditorCluster.SystemName, EditorCluster.NodeConfig(h, akkaPort, seedList, quiet: false));
                    if (seedList.Length == 0) Cluster.Get(system).Join(Cluster.Get(system).SelfAddress);
                    running.Add(await EditorNode.Start(system, h, parse.GetValue(httpPort) ?? 5301, batch));
                    output.WriteLine($"node {Cluster.Get(system).SelfAddress}: {running[0].Url}");
                }
                else
                {
                    var n = Math.Clamp(parse.GetValue(nodes), 1, 16);
                    var basePort = parse.GetValue(httpPort) ?? 5301;
                    var systems = await EditorCluster.StartLocal(n, quiet: true, overrides: LocalShutdown.KeepRunningAfterLeaving);
                    for (var i = 0; i < n; i++)
                    {
                        running.Add(await EditorNode.Start(systems[i], h, basePort == 0 ? 0 : basePort + i, batch));
                        output.WriteLine($"node {i + 1} ({Cluster.Get(systems[i]).SelfAddress}): {running[i].Url}");
                    }
                }
                output.WriteLine("Open the pages above in a browser; Ctrl+C stops.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancel);
                }
                catch (OperationCanceledException)
                {
                }
                return 0;
            }
            catch (IOException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            finally
            {
                await LocalShutdown.StopAll(running, TimeSpan.FromSeconds(15));
            }
        });
    }
}
