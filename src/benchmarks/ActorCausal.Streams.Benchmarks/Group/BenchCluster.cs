using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// N ActorSystems on 127.0.0.1 in this process, configured by <c>hocon/cluster-loopback.conf</c> with the overrides
/// below, forming one Akka cluster (the first node joins itself, the others join it). DistributedPubSub and the
/// ActorCausal extension are started on every node.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    /// <summary>Quiet logs, any port, no seeds, no downing, fast gossip (as the core cluster benchmark).</summary>
    private const string Overrides = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          remote.dot-netty.tcp.port = 0
          cluster {
            seed-nodes = []
            downing-provider-class = ""
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            periodic-tasks-initial-delay = 200ms
            pub-sub.gossip-interval = 200ms
          }
          coordinated-shutdown.run-by-clr-shutdown-hook = off
          coordinated-shutdown.exit-clr = off
        }
        actorcausal {
          founding-delay = 500ms
          join-retry-interval = 200ms
        }
        """;

    private BenchCluster(List<ActorSystem> systems) => Systems = systems;

    public IReadOnlyList<ActorSystem> Systems { get; }

    public static async Task<BenchCluster> StartAsync(int count)
    {
        var config = ConfigurationFactory.ParseString(Overrides).WithFallback(ConfigurationFactory.ParseString(LoopbackConfig()));
        var cluster = new BenchCluster(new List<ActorSystem>());
        var systems = (List<ActorSystem>)cluster.Systems;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var system = ActorSystem.Create("bench", config);
                CausalGroups.Get(system);
                DistributedPubSub.Get(system);
                var seed = AkkaCluster.Get(i == 0 ? system : systems[0]).SelfAddress;
                systems.Add(system);
                AkkaCluster.Get(system).Join(seed);
            }
            await Poll.Until(() => Task.FromResult(systems.All(s =>
                AkkaCluster.Get(s).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == count
                && AkkaCluster.Get(s).State.Unreachable.Count == 0)), "the cluster to form");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(Systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default)));

    /// <summary>hocon/cluster-loopback.conf, found above the working directory or the program's folder.</summary>
    private static string LoopbackConfig()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var file = Path.Combine(dir.FullName, "hocon", "cluster-loopback.conf");
                if (File.Exists(file) && File.Exists(Path.Combine(dir.FullName, "ActorCausal.sln"))) return File.ReadAllText(file);
            }
        }
        throw new FileNotFoundException("hocon/cluster-loopback.conf not found: run the benchmark from the ActorCausal repository.");
    }
}

/// <summary>Polls a condition every 100 ms, for at most a minute.</summary>
public static class Poll
{
    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
