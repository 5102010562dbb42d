using Akka.Actor;
using Akka.Cluster;
using Akka.Remote.Transport;
using GroupChat.Actors;
using GroupChat.Web;

namespace GroupChat.Tests.Support;

/// <summary>
/// Three chat nodes (n1, n2, n3, on the databases of <paramref name="dataDirectory"/>) in one cluster where n3's links to
/// n1 and n2 are blackholed from before it joins: n3 joins through a bare relay node (an ActorSystem without the chat),
/// so it is Up in the cluster but none of its group announcements reach n1 or n2, and its lobby and room groups found on
/// their own. <see cref="HealAsync"/> restores the links; the groups then find each other and merge.
/// </summary>
public sealed class SplitCluster : IAsyncDisposable
{
    public const string Config = TestCluster.QuickTimings + "\n" + TestCluster.NoDowning + "\nactorcausal.merge-interval = 500ms";

    private readonly ActorSystem _relay;
    private readonly List<ChatNode> _nodes = new();

    private SplitCluster(ActorSystem relay) => _relay = relay;

    public IReadOnlyList<ChatNode> Nodes => _nodes;
    public List<ChatClient> Clients { get; } = new();

    public static async Task<SplitCluster> StartAsync(string dataDirectory)
    {
        var relay = ActorSystem.Create(NodeRuntime.SystemName, NodeRuntime.ConfigFor(new NodeOptions { Name = "relay", DataDirectory = dataDirectory, ExtraConfig = Config }));
        var split = new SplitCluster(relay);
        try
        {
            var relayAddress = Cluster.Get(relay).SelfAddress;
            Cluster.Get(relay).Join(relayAddress);
            await split.AddAsync("n1", dataDirectory, relayAddress, null);
            await split.AddAsync("n2", dataDirectory, relayAddress, null);
            var others = split._nodes.Select(n => n.Runtime!.Address).ToList();
            await split.AddAsync("n3", dataDirectory, relayAddress, system =>
            {
                foreach (var peer in others) Assert.True(LinkThrottle.Transport(system).ManagementCommand(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance)).Wait(TimeSpan.FromSeconds(10)));
            });
            return split;
        }
        catch
        {
            await split.DisposeAsync();
            throw;
        }
    }

    private async Task AddAsync(string name, string dataDirectory, Address seed, Action<ActorSystem>? beforeJoin)
    {
        var options = new NodeOptions { Name = name, SeedAddresses = [seed], DataDirectory = dataDirectory, ExtraConfig = Config, BeforeJoin = beforeJoin };
        var node = await ChatNode.StartAsync(options, "127.0.0.1", 0);
        _nodes.Add(node);
        Clients.Add(new ChatClient(node.Url));
    }

    /// <summary>Restores n3's links to n1 and n2.</summary>
    public async Task HealAsync()
    {
        foreach (var peer in _nodes.Take(2)) Assert.True(await LinkThrottle.Set(_nodes[2].Runtime!.System, peer.Runtime!.Address, LinkMode.Restore));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clients) c.Dispose();
        foreach (var n in Enumerable.Reverse(_nodes)) await n.DisposeAsync();
        await _relay.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
