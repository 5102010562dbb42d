using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>
/// Real ActorSystems on 127.0.0.1 (ports chosen by the OS), configured by <c>hocon/cluster-loopback.conf</c> (which loads
/// the ActorCausal extension on every node), forming one Akka cluster: the first node joins itself, the others join it.
/// </summary>
public sealed class StreamsCluster : IAsyncDisposable
{
    /// <summary>Any port, no seeds (nodes join the first), no downing, quiet logs, a short founding delay.</summary>
    private const string Overrides = """
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.remote.dot-netty.tcp.port = 0
        akka.cluster.seed-nodes = []
        akka.cluster.downing-provider-class = ""
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        actorcausal.founding-delay = 500ms
        """;

    private readonly List<ActorSystem> _systems = new();

    public ActorSystem this[int index] => _systems[index];

    public IMaterializer Materializer(int index) => _systems[index].Materializer();

    /// <summary>Starts <paramref name="count"/> nodes (node i with <paramref name="extraConfig"/>(i) on top, if given) and waits until all are Up.</summary>
    public static async Task<StreamsCluster> StartAsync(int count, Func<int, string>? extraConfig = null)
    {
        var cluster = new StreamsCluster();
        try
        {
            var config = ConfigurationFactory.ParseString(Overrides).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepositoryRoot(), "hocon", "cluster-loopback.conf"))));
            for (var i = 0; i < count; i++)
            {
                var system = ActorSystem.Create("streams", ConfigurationFactory.ParseString(extraConfig?.Invoke(i) ?? "").WithFallback(config));
                var seed = cluster._systems.Count == 0 ? Cluster.Get(system).SelfAddress : Cluster.Get(cluster._systems[0]).SelfAddress;
                cluster._systems.Add(system);
                Cluster.Get(system).Join(seed);
            }
            await Eventually.Async(() => cluster._systems.All(s => Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == count),
                TimeSpan.FromSeconds(60), () => $"the cluster did not reach {count} Up members");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default)));
        _systems.Clear();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorCausal.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorCausal.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Polls a condition until it holds or a generous bound passes (no timing is asserted).</summary>
public static class Eventually
{
    public static async Task Async(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Not within {timeout}: {describe()}");
            await Task.Delay(100);
        }
    }
}
