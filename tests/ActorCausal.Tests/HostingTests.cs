using ActorCausal.Hosting;
using ActorCausal.Protocol;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorCausal.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task WithCausalGroups_loads_the_extension_binds_the_serializer_and_applies_the_options()
    {
        const string clusterHocon = """
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
            akka.cluster.downing-provider-class = ""
            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """;
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services => services.AddAkka("hosted", builder => builder
                .AddHocon(ConfigurationFactory.ParseString(clusterHocon), HoconAddMode.Prepend)
                .WithCausalGroups(o =>
                {
                    o.TotalOrder = TotalOrderMode.TwoStep;
                    o.FoundingDelay = TimeSpan.FromMilliseconds(200);
                    o.BatchMaxMessages = 32;
                })))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.HasExtension<CausalGroups>());
            var extension = CausalGroups.Get(system);
            Assert.Equal(TotalOrderMode.TwoStep, extension.Settings.Protocol.TotalOrder);
            Assert.Equal(TimeSpan.FromMilliseconds(200), extension.Settings.FoundingDelay);
            Assert.Equal(32, extension.Settings.Batching.MaxMessages);
            Assert.IsType<CausalGroupsSerializer>(system.Serialization.FindSerializerForType(typeof(GroupEnvelope)));

            // A one-node cluster founds the group and delivers its own total-order broadcast.
            var cluster = Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
            var group = await RecordedGroup.JoinAsync("hosted-group", [system]);
            await group.WaitForFullViewAsync(TimeSpan.FromSeconds(30));
            var reply = await group.Handles[0].Broadcast("hello", DeliveryOrder.Total);
            Assert.Equal(BroadcastOutcome.Sent, reply.Outcome);
            await group.WaitForDeliveriesAsync(1, TimeSpan.FromSeconds(30));
            var delivered = (await group.ProgressAsync())[0].Deliveries.Single();
            Assert.Equal("hello", delivered.Payload);
            Assert.Equal(reply.Id, delivered.MessageId);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
