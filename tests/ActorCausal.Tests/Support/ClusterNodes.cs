using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace ActorCausal.Tests.Support;

/// <summary>
/// Real ActorSystems on 127.0.0.1 (ports chosen by the OS) forming one Akka cluster, each with the CausalGroups
/// extension loaded. The first node joins itself; the others join it.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    /// <summary>What these tests change of <c>hocon/cluster-loopback.conf</c>: quiet logs, any port, no seeds (nodes join the first), no downing, fast gossip.</summary>
    public const string TestOverrides = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          remote.dot-netty.tcp.port = 0
          cluster {
            seed-nodes = []
            # No automatic downing in these tests unless a test asks for it.
            downing-provider-class = ""
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            periodic-tasks-initial-delay = 200ms
          }
          coordinated-shutdown.run-by-clr-shutdown-hook = off
          coordinated-shutdown.exit-clr = off
        }
        actorcausal {
          founding-delay = 500ms
          join-retry-interval = 200ms
        }
        """;

    private readonly List<ActorSystem> _systems = new();

    public IReadOnlyList<ActorSystem> Systems => _systems;

    public ActorSystem this[int index] => _systems[index];

    public int Count => _systems.Count;

    /// <summary>Starts <paramref name="count"/> nodes and waits until every one sees all of them Up.</summary>
    public static async Task<ClusterNodes> StartAsync(int count, string name = "cluster", string? extraConfig = null, TimeSpan? timeout = null)
    {
        var nodes = new ClusterNodes();
        try
        {
            for (var i = 0; i < count; i++) nodes.AddNode(name, extraConfig);
            await nodes.WaitForUpAsync(count, timeout ?? TimeSpan.FromSeconds(30));
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    public static Config NodeConfig(string? extraConfig) =>
        (extraConfig is null ? ConfigurationFactory.Empty : ConfigurationFactory.ParseString(extraConfig))
        .WithFallback(ConfigurationFactory.ParseString(TestOverrides))
        .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("cluster-loopback.conf")));

    /// <summary>Starts one more node and has it join the first node (or itself, if it is the first).</summary>
    public ActorSystem AddNode(string name, string? extraConfig = null)
    {
        var system = ActorSystem.Create(name, NodeConfig(extraConfig));
        CausalGroups.Get(system);
        var seed = _systems.Count == 0 ? Cluster.Get(system).SelfAddress : Cluster.Get(_systems[0]).SelfAddress;
        _systems.Add(system);
        Cluster.Get(system).Join(seed);
        return system;
    }

    public Task WaitForUpAsync(int expected, TimeSpan timeout) =>
        RecordedGroup.EventuallyAsync(
            () => Task.FromResult(_systems.All(s =>
                Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == expected
                && Cluster.Get(s).State.Unreachable.Count == 0)),
            timeout,
            () => Task.FromResult($"The cluster did not reach {expected} Up members: " +
                                  string.Join("; ", _systems.Select(s => $"{Cluster.Get(s).SelfAddress}: {Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up)} up, {Cluster.Get(s).State.Unreachable.Count} unreachable"))));

    public static MemberId MemberIdOf(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        return new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(20))
            .ContinueWith(_ => { }, TaskScheduler.Default)));
        _systems.Clear();
    }
}
