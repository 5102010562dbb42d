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
    private const string ClusterHocon = """
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.downing-provider-class = ""
        akka.loglevel = WARNING
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    [Fact]
    public async Task WithCausalGroups_loads_the_extension_binds_the_serializer_and_applies_the_options()
    {
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services => services.AddAkka("hosted", builder => builder
                .AddHocon(ConfigurationFactory.ParseString(ClusterHocon), HoconAddMode.Prepend)
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

    [Fact]
    public void Every_setting_of_reference_conf_has_a_hosting_option()
    {
        var reference = LeafPaths(CausalGroups.DefaultConfig().GetConfig("actorcausal").Root, "").ToHashSet();
        var everything = new CausalGroupsOptions
        {
            GuardianName = "g", TickInterval = TimeSpan.FromMilliseconds(1), JoinRetryInterval = TimeSpan.FromMilliseconds(1),
            FoundingDelay = TimeSpan.FromMilliseconds(1), MergeInterval = TimeSpan.FromMilliseconds(1), SnapshotTimeout = TimeSpan.FromMilliseconds(1), LeaveTimeout = TimeSpan.FromMilliseconds(1),
            AskTimeout = TimeSpan.FromMilliseconds(1), VerifyPayloads = true, LogRejectedInputs = false, TotalOrder = TotalOrderMode.TwoStep,
            MaxUnstable = 1, ReceiveWindow = 1, NakInitialDelay = TimeSpan.FromMilliseconds(1), NakMaxDelay = TimeSpan.FromMilliseconds(1),
            TotalRetryDelay = TimeSpan.FromMilliseconds(1), StabilityInterval = TimeSpan.FromMilliseconds(1), IdleGossipInterval = TimeSpan.FromMilliseconds(1),
            MaxClockSkew = TimeSpan.FromMilliseconds(1), DependencyIndexCapacity = 1, SafeAckDelay = TimeSpan.FromMilliseconds(1), SafeQuorum = SafeQuorum.Majority, Batching = true, BatchMaxMessages = 1, BatchMaxBytes = 1,
            BatchLinger = TimeSpan.FromMilliseconds(1), ChunkPieceSize = 1, ChunkMaxMessageSize = 1, ChunkReassemblyTimeout = TimeSpan.FromMilliseconds(1),
            CompactEnvelopes = false,
            Metrics = true, MetricsInterval = TimeSpan.FromMilliseconds(1),
        };
        var options = LeafPaths(everything.ToHocon().GetConfig("actorcausal").Root, "").ToHashSet();
        Assert.True(reference.SetEquals(options),
            $"reference.conf settings without a CausalGroupsOptions property: [{string.Join(", ", reference.Except(options))}]; " +
            $"options that are not in reference.conf: [{string.Join(", ", options.Except(reference))}]");
        Assert.Empty(LeafPaths(new CausalGroupsOptions().ToHocon().Root, ""));
    }

    [Fact]
    public void Every_hosting_option_reaches_the_settings()
    {
        var o = new CausalGroupsOptions
        {
            GuardianName = "my-groups", TickInterval = TimeSpan.FromMilliseconds(7), JoinRetryInterval = TimeSpan.FromMilliseconds(301),
            FoundingDelay = TimeSpan.FromMilliseconds(1234), SnapshotTimeout = TimeSpan.FromSeconds(4), LeaveTimeout = TimeSpan.FromSeconds(11),
            AskTimeout = TimeSpan.FromSeconds(12), VerifyPayloads = true, LogRejectedInputs = false, TotalOrder = TotalOrderMode.TwoStep,
            MaxUnstable = 77, ReceiveWindow = 999, NakInitialDelay = TimeSpan.FromMilliseconds(21), NakMaxDelay = TimeSpan.FromMilliseconds(900),
            TotalRetryDelay = TimeSpan.FromMilliseconds(41), StabilityInterval = TimeSpan.FromMilliseconds(51), IdleGossipInterval = TimeSpan.FromMilliseconds(501),
            MaxClockSkew = TimeSpan.FromSeconds(6), DependencyIndexCapacity = 1000, SafeAckDelay = TimeSpan.FromMilliseconds(13), SafeQuorum = SafeQuorum.Majority, Batching = false, BatchMaxMessages = 17, BatchMaxBytes = 5000,
            BatchLinger = TimeSpan.FromMilliseconds(3), ChunkPieceSize = 4096, ChunkMaxMessageSize = 1 << 20, ChunkReassemblyTimeout = TimeSpan.FromSeconds(9),
            Metrics = false, MetricsInterval = TimeSpan.FromMilliseconds(333),
        };
        var s = CausalGroupsSettings.Create(o.ToHocon().WithFallback(CausalGroups.DefaultConfig()).GetConfig("actorcausal"));
        Assert.Equal("my-groups", s.GuardianName);
        Assert.Equal(TimeSpan.FromMilliseconds(7), s.TickInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(301), s.JoinRetryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(1234), s.FoundingDelay);
        Assert.Equal(TimeSpan.FromSeconds(4), s.SnapshotTimeout);
        Assert.Equal(TimeSpan.FromSeconds(11), s.LeaveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(12), s.AskTimeout);
        Assert.True(s.VerifyPayloads);
        Assert.False(s.LogRejectedInputs);
        Assert.Equal(TotalOrderMode.TwoStep, s.Protocol.TotalOrder);
        Assert.Equal(77, s.Protocol.MaxUnstable);
        Assert.Equal(999, s.Protocol.ReceiveWindow);
        Assert.Equal(21, s.Protocol.NakInitialDelayMs);
        Assert.Equal(900, s.Protocol.NakMaxDelayMs);
        Assert.Equal(41, s.Protocol.TotalRetryDelayMs);
        Assert.Equal(51, s.Protocol.StabilityIntervalMs);
        Assert.Equal(501, s.Protocol.IdleGossipIntervalMs);
        Assert.Equal(6000, s.Protocol.MaxClockSkewMs);
        Assert.Equal(1000, s.Protocol.DependencyIndexCapacity);
        Assert.Equal(13, s.Protocol.SafeAckDelayMs);
        Assert.Equal(SafeQuorum.Majority, s.Protocol.SafeQuorum);
        Assert.False(s.Batching.Enabled);
        Assert.Equal(17, s.Batching.MaxMessages);
        Assert.Equal(5000, s.Batching.MaxBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(3), s.Batching.Linger);
        Assert.Equal(4096, s.Chunking.PieceSize);
        Assert.Equal(1 << 20, s.Chunking.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(9), s.Chunking.ReassemblyTimeout);
        Assert.False(s.MetricsEnabled);
        Assert.Equal(TimeSpan.FromMilliseconds(333), s.MetricsInterval);
    }

    private sealed class EchoSubscriber : ReceiveActor
    {
        public sealed record WaitForDelivery;
        private readonly List<Delivered> _delivered = new();
        private readonly List<IActorRef> _waiting = new();

        public EchoSubscriber()
        {
            Receive<Delivered>(d => { _delivered.Add(d); foreach (var w in _waiting) w.Tell(d); _waiting.Clear(); });
            Receive<WaitForDelivery>(_ => { if (_delivered.Count > 0) Sender.Tell(_delivered[0]); else _waiting.Add(Sender); });
            ReceiveAny(_ => { });
        }
    }

    [Fact]
    public async Task WithCausalGroup_joins_at_start_up_with_the_subscriber_from_the_actor_registry()
    {
        using var host = new HostBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(services => services.AddAkka("hosted-join", builder => builder
                .AddHocon(ConfigurationFactory.ParseString(ClusterHocon), HoconAddMode.Prepend)
                .WithCausalGroups(o => o.FoundingDelay = TimeSpan.FromMilliseconds(200))
                .WithActors((system, registry) => registry.Register<EchoSubscriber>(system.ActorOf(Props.Create<EchoSubscriber>(), "echo")))
                .WithCausalGroup<EchoSubscriber>("started-group", new JoinOptions { Stateless = true })
                .AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress))))
            .Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var group = HostedCausalGroups.Get(system).Group("started-group");
            var subscriber = host.Services.GetRequiredService<IRequiredActor<EchoSubscriber>>().ActorRef;
            Assert.Equal(subscriber, group.Subscriber);
            // Registered before StartAsync completed, so both the synchronous lookup and GetAsync find it at once
            // (a registration racing GetAsync's wait was lost in Akka.Hosting's ActorRegistry: the CI hang).
            var joined = await group.Ref.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(ActorRegistry.For(system).TryGet<CausalGroupActor<EchoSubscriber>>(out var groupActor),
                "the group actor is not in the actor registry when the host has started");
            Assert.Equal(joined, groupActor);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var required = await host.Services.GetRequiredService<IRequiredActor<CausalGroupActor<EchoSubscriber>>>().GetAsync(bound.Token);
            Assert.Equal(joined, required);

            // The member founds the one-node group; once admitted, its own message comes back.
            var view = await group.Admitted.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Contains(view.Members, m => m.Address == Cluster.Get(system).SelfAddress.ToString());
            var reply = await group.Broadcast("from-start-up", DeliveryOrder.Causal);
            Assert.Equal(BroadcastOutcome.Sent, reply.Outcome);
            var delivered = await subscriber.Ask<Delivered>(new EchoSubscriber.WaitForDelivery(), TimeSpan.FromSeconds(30));
            Assert.Equal("from-start-up", delivered.Payload);
            Assert.Equal(reply.Id, delivered.MessageId);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void WithCausalGroup_refuses_a_bad_group_name_while_configuring()
    {
        var builder = new AkkaConfigurationBuilder(new ServiceCollection(), "bad");
        var e = Assert.Throws<ArgumentException>(() => builder.WithCausalGroup<EchoSubscriber>("  "));
        Assert.Equal("group", e.ParamName);
    }

    private static IEnumerable<string> LeafPaths(Akka.Configuration.Hocon.HoconValue value, string prefix)
    {
        if (!value.IsObject()) { yield return prefix; yield break; }
        foreach (var (key, child) in value.GetObject().Items)
            foreach (var path in LeafPaths(child, prefix.Length == 0 ? key : prefix + "." + key))
                yield return path;
    }
}
