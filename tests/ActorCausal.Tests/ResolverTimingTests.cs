using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.SBR;
using Akka.Configuration;

namespace ActorCausal.Tests;

/// <summary>hocon/split-brain-resolver.conf keeps the properties its comments promise on a loaded two-core machine.</summary>
public sealed class ResolverTimingTests
{
    private static Config Resolver() =>
        ConfigurationFactory.ParseString(Repo.Hocon("split-brain-resolver.conf"))
            .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("cluster-loopback.conf")));

    [Fact]
    public void A_paused_node_heals_before_the_resolver_decides_and_one_slow_process_does_not_down_everyone()
    {
        var config = Resolver();
        var pause = config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause");
        var stableAfter = config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after");
        var downAll = config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable");

        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.True(stableAfter > pause, $"stable-after {stableAfter} must exceed the acceptable heartbeat pause {pause}");
        Assert.True(pause >= TimeSpan.FromSeconds(4), $"an acceptable heartbeat pause of {pause} suspects a process on every long GC");
        // "on" would mean max(4 s, 3/4 of stable-after): a couple of pauses a few seconds apart would down every node.
        Assert.NotEqual("on", downAll);
        Assert.True(config.GetTimeSpan("akka.cluster.split-brain-resolver.down-all-when-unstable") >= 2 * stableAfter);
        Assert.True(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
    }

    [Fact]
    public async Task The_loopback_file_alone_still_downs_with_akkas_default_resolver()
    {
        var config = ConfigurationFactory.ParseString("""
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.seed-nodes = []
                akka.loglevel = WARNING
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """)
            .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("cluster-loopback.conf")));
        var system = ActorSystem.Create("defaults", config);
        try
        {
            Assert.IsType<SplitBrainResolverProvider>(Cluster.Get(system).DowningProvider);
            var settings = system.Settings.Config;
            Assert.Equal("keep-majority", settings.GetString("akka.cluster.split-brain-resolver.active-strategy"));
            Assert.Equal(TimeSpan.FromSeconds(20), settings.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        }
        finally
        {
            await system.Terminate();
        }
    }
}
