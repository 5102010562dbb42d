using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using CollabEditor.Nodes;

namespace CollabEditor.Tests.Support;

/// <summary>
/// Three editor nodes (n1, n2, n3, each with its web API) in one cluster where n3's links to n1 and n2 are blackholed from
/// before it joins: n3 joins through a bare relay node (an ActorSystem without an editor), so it is in the cluster but
/// none of its group announcements reach n1 or n2, and its editor group founds on its own. <see cref="HealAsync"/>
/// restores the links; the two groups then find each other and merge (the chat's MergeTests do the same).
/// </summary>
public sealed class SplitEditorCluster : IAsyncDisposable
{
    // Akka's throttler adapter to blackhole links; no downing and a long heartbeat pause, so that nobody is removed while
    // cut off; quick merge probes.
    private const string SplitConfig = """
        akka.remote.dot-netty.tcp.applied-adapters = [trttl]
        akka.cluster.downing-provider-class = ""
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 120s
        actorcausal.merge-interval = 500ms
        """;

    private readonly ActorSystem _relay;
    private readonly List<EditorNode> _nodes = new();

    private SplitEditorCluster(ActorSystem relay) => _relay = relay;

    public IReadOnlyList<EditorNode> Nodes => _nodes;

    public static Config NodeConfig() => ConfigurationFactory.ParseString(SplitConfig).WithFallback(EditorCluster.NodeConfig("127.0.0.1", 0, [], quiet: true));

    public static async Task<SplitEditorCluster> StartAsync(string group)
    {
        var relay = ActorSystem.Create(EditorCluster.SystemName, NodeConfig());
        var split = new SplitEditorCluster(relay);
        try
        {
            var relayAddress = Akka.Cluster.Cluster.Get(relay).SelfAddress;
            Akka.Cluster.Cluster.Get(relay).Join(relayAddress);
            await split.AddAsync(group, relayAddress, null);
            await split.AddAsync(group, relayAddress, null);
            var others = split._nodes.Select(n => Akka.Cluster.Cluster.Get(n.System).SelfAddress).ToList();
            await split.AddAsync(group, relayAddress, system =>
            {
                foreach (var peer in others)
                    Assert.True(Transport(system).ManagementCommand(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)).Wait(TimeSpan.FromSeconds(10)));
            });
            return split;
        }
        catch
        {
            await split.DisposeAsync();
            throw;
        }
    }

    private async Task AddAsync(string group, Address seed, Action<ActorSystem>? beforeJoin)
    {
        var system = ActorSystem.Create(EditorCluster.SystemName, NodeConfig());
        try
        {
            beforeJoin?.Invoke(system);
            Akka.Cluster.Cluster.Get(system).Join(seed);
            _nodes.Add(await EditorNode.Start(system, "127.0.0.1", 0, batchMs: 10, group));
        }
        catch
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
            throw;
        }
    }

    /// <summary>Restores n3's links to n1 and n2.</summary>
    public async Task HealAsync()
    {
        var n3 = _nodes[2].System;
        foreach (var peer in _nodes.Take(2))
            Assert.True(await Transport(n3).ManagementCommand(new SetThrottle(Akka.Cluster.Cluster.Get(peer.System).SelfAddress, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance)));
    }

    private static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Enumerable.Reverse(_nodes)) await n.DisposeAsync();
        await _relay.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
