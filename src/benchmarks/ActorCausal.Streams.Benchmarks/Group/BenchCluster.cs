using ActorCausal.Benchmarks.Shared;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// N ActorSystems on 127.0.0.1 in this process, configured by <c>hocon/in-process-bench.conf</c> over <c>hocon/cluster-loopback.conf</c>, forming one Akka cluster (the first node joins itself, the others join it). DistributedPubSub and the
/// ActorCausal extension are started on every node. Extra HOCON (<c>--config</c>) is laid over that configuration.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private BenchCluster(List<ActorSystem> systems) => Systems = systems;

    public IReadOnlyList<ActorSystem> Systems { get; }

    public static async Task<BenchCluster> StartAsync(int count, string? extraConfig = null)
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString(extraConfig ?? "").WithFallback(BenchHocon.InProcessCluster());
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
}

/// <summary>Polls a condition every 100 ms, for at most two minutes; a poll whose ask timed out (a starved machine) counts as not yet.</summary>
public static class Poll
{
    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (!await Holds(condition))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private static async Task<bool> Holds(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (Akka.Actor.AskTimeoutException)
        {
            return false;
        }
    }
}
