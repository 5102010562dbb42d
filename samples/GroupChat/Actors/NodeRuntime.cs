using System.Collections.Concurrent;
using ActorCausal;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using GroupChat.Model;
using GroupChat.Storage;

namespace GroupChat.Actors;

/// <summary>How to start one chat node's Akka side.</summary>
public sealed record NodeOptions
{
    public required string Name { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>Akka remoting port (0: chosen by the OS).</summary>
    public int Port { get; init; }
    /// <summary>Seed nodes as host:port; empty: this node joins itself (the first node of a cluster).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];
    /// <summary>Akka addresses to join instead of <see cref="Seeds"/> (the in-process cluster uses the first node's real address).</summary>
    public IReadOnlyList<Address> SeedAddresses { get; init; } = [];
    public required string DataDirectory { get; init; }
    /// <summary>Extra HOCON on top of groupchat.conf (tests: faster timings, quieter logs).</summary>
    public string? ExtraConfig { get; init; }
    /// <summary>Called once the node's actors run and before it joins the cluster (a test cuts its links here, so that its groups found on their own).</summary>
    public Action<ActorSystem>? BeforeJoin { get; init; }
    /// <summary>
    /// For the bench's ceiling only: the chat's groups (lobby and rooms) are replaced by local delivery
    /// (<see cref="LocalGroup"/>), so this node stores only what is posted to it. Same HTTP API, actors and SQLite store;
    /// the node still joins the cluster.
    /// </summary>
    public bool ReplicationOff { get; init; }
}

/// <summary>
/// One node's actor side: its ActorSystem (a cluster node), its SQLite store, the lobby actor and the room actors.
/// Stopping it gracefully leaves the cluster; <see cref="Crash"/> terminates without leaving, as a killed process would.
/// </summary>
public sealed class NodeRuntime : IAsyncDisposable
{
    public const string SystemName = "groupchat";

    private readonly ConcurrentDictionary<string, IActorRef> _rooms;
    private int _stopped;

    private NodeRuntime(NodeOptions options, ActorSystem system, ChatStore store, NodeContext context, IActorRef lobby, ConcurrentDictionary<string, IActorRef> rooms)
    {
        _rooms = rooms;
        Options = options;
        System = system;
        Store = store;
        Context = context;
        Lobby = lobby;
    }

    public NodeOptions Options { get; }
    public ActorSystem System { get; }
    public ChatStore Store { get; }
    public NodeContext Context { get; }
    public IActorRef Lobby { get; }
    public Address Address => Cluster.Get(System).SelfAddress;
    public bool Running => Volatile.Read(ref _stopped) == 0 && !System.WhenTerminated.IsCompleted;

    /// <summary>The room actor of <paramref name="id"/>, once this node knows the room.</summary>
    public IActorRef? Room(string id) => _rooms.GetValueOrDefault(id);

    public static Config ConfigFor(NodeOptions options) =>
        (options.ExtraConfig is null ? Config.Empty : ConfigurationFactory.ParseString(options.ExtraConfig))
        .WithFallback(ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = "{{options.Host}}"
            akka.remote.dot-netty.tcp.port = {{options.Port}}
            akka.cluster.roles = ["{{NodeContext.NameRolePrefix}}{{options.Name}}"]
            """))
        .WithFallback(ConfigurationFactory.FromResource("GroupChat.groupchat.conf", typeof(NodeRuntime).Assembly));

    public static NodeRuntime Start(NodeOptions options, Action<string> changed)
    {
        var store = new ChatStore(ChatStore.FileFor(options.DataDirectory, options.Name));
        var system = ActorSystem.Create(SystemName, ConfigFor(options));
        CausalGroups.Get(system);
        var context = new NodeContext(options.Name, store, changed, options.ReplicationOff);
        var rooms = new ConcurrentDictionary<string, IActorRef>(StringComparer.Ordinal);
        var lobby = system.ActorOf(LobbyActor.Props(context, rooms), "lobby");
        // The lobby creates the room actors of the rooms in the database when it starts: wait for that, so that the
        // history is served from the first request on.
        lobby.Ask<RoomCreated[]>(new GetRooms(), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        var runtime = new NodeRuntime(options, system, store, context, lobby, rooms);
        var cluster = Cluster.Get(system);
        var seeds = options.SeedAddresses.Count > 0
            ? options.SeedAddresses
            : options.Seeds.Count > 0
                ? options.Seeds.Select(s => Address.Parse($"akka.trttl.tcp://{SystemName}@{s}")).ToList()
                : [cluster.SelfAddress];
        options.BeforeJoin?.Invoke(system);
        cluster.JoinSeedNodes(seeds);
        return runtime;
    }

    /// <summary>Leaves the cluster gracefully (coordinated shutdown), then closes the database.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        try
        {
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
        }
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Store.Dispose();
    }

    /// <summary>Terminates at once, without leaving: the others see the node unreachable and the split-brain resolver downs it.</summary>
    public async Task Crash()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        Store.Dispose();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
