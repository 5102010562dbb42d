using ActorCausal.Protocol;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.SBR;
using Akka.Configuration;

namespace ActorCausal.Tests;

/// <summary>The configurations in hocon/ load and do what they say.</summary>
public sealed class HoconTests
{
    [Fact]
    public async Task The_loopback_cluster_with_the_split_brain_resolver_starts_ActorCausal_and_keeps_the_majority()
    {
        // The files' fixed ports and seeds are replaced by an OS-chosen port and a self-join, so the test never collides.
        var config = ConfigurationFactory.ParseString("""
                akka.remote.dot-netty.tcp.port = 0
                akka.cluster.seed-nodes = []
                akka.loglevel = WARNING
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """)
            .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("split-brain-resolver.conf")))
            .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("cluster-loopback.conf")));
        var system = ActorSystem.Create("actorcausal", config);
        try
        {
            Assert.True(system.HasExtension<CausalGroups>(), "akka.extensions starts ActorCausal with the system");
            var cluster = Cluster.Get(system);
            Assert.IsType<SplitBrainResolverProvider>(cluster.DowningProvider);
            Assert.Equal("keep-majority", system.Settings.Config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
            Assert.Equal(128_000, system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));

            cluster.Join(cluster.SelfAddress);
            var group = await RecordedGroup.JoinAsync("hocon", [system]);
            await group.WaitForFullViewAsync(TimeSpan.FromSeconds(30));
            group.Subscribers[0].Tell(new RecordingSubscriber.Burst(10, DeliveryOrder.Total));
            await group.WaitForDeliveriesAsync(10, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void The_tls_variant_enables_ssl_with_mutual_authentication()
    {
        var config = ConfigurationFactory.ParseString(Repo.Hocon("tls.conf"))
            .WithFallback(ConfigurationFactory.ParseString(Repo.Hocon("cluster-loopback.conf")));
        var tcp = config.GetConfig("akka.remote.dot-netty.tcp");
        Assert.True(tcp.GetBoolean("enable-ssl"));
        Assert.False(tcp.GetBoolean("ssl.suppress-validation"));
        Assert.True(tcp.GetBoolean("ssl.require-mutual-authentication"));
        Assert.False(string.IsNullOrEmpty(tcp.GetString("ssl.certificate.path")));
        Assert.Equal(4053, tcp.GetInt("port"));
    }
}
