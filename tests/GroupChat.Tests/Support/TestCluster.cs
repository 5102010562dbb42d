using Akka.Actor;
using GroupChat.Actors;
using GroupChat.Model;
using GroupChat.Web;

namespace GroupChat.Tests.Support;

/// <summary>An in-process chat cluster for a test: OS-chosen ports, a fresh data directory, quick timings, quiet logs.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string QuickTimings = """
        akka.loglevel = WARNING
        akka.cluster.gossip-interval = 200ms
        akka.cluster.leader-actions-interval = 200ms
        akka.cluster.periodic-tasks-initial-delay = 200ms
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 3s
        actorcausal.founding-delay = 1s
        actorcausal.join-retry-interval = 200ms
        """;

    /// <summary>The resolver decides 3 s after the membership settles (the app's default is 8 s, to leave time to restore a link by hand).</summary>
    public const string QuickDowning = "akka.cluster.split-brain-resolver.stable-after = 3s";

    /// <summary>No downing and a very tolerant failure detector: a throttled link slows delivery but never changes the view.</summary>
    public const string NoDowning = """
        akka.cluster.downing-provider-class = ""
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 120s
        """;

    private TestCluster(InProcessCluster cluster, string dataDirectory, string config, bool ownsDirectory)
    {
        Cluster = cluster;
        DataDirectory = dataDirectory;
        Config = config;
        _ownsDirectory = ownsDirectory;
        Clients = cluster.Nodes.Select(n => new ChatClient(n.Url)).ToList();
    }

    private readonly bool _ownsDirectory;

    public InProcessCluster Cluster { get; }
    public string DataDirectory { get; }
    public string Config { get; }
    public List<ChatClient> Clients { get; }
    public IReadOnlyList<ChatNode> Nodes => Cluster.Nodes;

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "groupchat-test-" + Guid.NewGuid().ToString("N"));

    public static async Task<TestCluster> StartAsync(int nodes, string? extraConfig = null, string? dataDirectory = null)
    {
        var config = extraConfig is null ? QuickTimings : QuickTimings + "\n" + extraConfig; // later lines win
        var dir = dataDirectory ?? NewDataDirectory();
        var cluster = await InProcessCluster.StartAsync(nodes, dir, firstHttpPort: 0, extraConfig: config);
        var test = new TestCluster(cluster, dir, config, dataDirectory is null);
        await test.WaitForClusterAsync(nodes);
        return test;
    }

    public async Task<ChatClient> AddNodeAsync()
    {
        var node = await Cluster.AddNodeAsync(DataDirectory, 0, extraConfig: Config);
        var client = new ChatClient(node.Url);
        Clients.Add(client);
        return client;
    }

    public async Task WaitForClusterAsync(int nodes)
    {
        var seen = new Dictionary<string, string>();
        await Eventually.Until(async () =>
        {
            foreach (var c in Clients)
            {
                var states = await c.NodeStates();
                seen[c.BaseUrl.ToString()] = string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"));
                if (states.Count < nodes || states.Values.Any(s => s != "ACTIVE")) return false;
            }
            return true;
        }, TimeSpan.FromSeconds(90), () => "every node sees every node ACTIVE in the lobby; last seen: " + string.Join("; ", seen.Select(s => $"{s.Key}: [{s.Value}]")));
    }

    public async Task<string> CreateRoomEverywhereAsync(string name, string admin, int creator = 0)
    {
        var room = (await Clients[creator].CreateRoom(name, admin)).GetProperty("id").GetString()!;
        await Eventually.Until(async () =>
        {
            foreach (var c in Clients) if (!await c.IsMember(room)) return false;
            return true;
        }, TimeSpan.FromSeconds(60), $"every node is a member of room {room}'s group");
        return room;
    }

    public IActorRef RoomActor(int node, string room) => Nodes[node].Runtime!.Room(room)!;

    public async Task<StoredEvent[]> LogAsync(int node, string room) => await RoomActor(node, room).Ask<StoredEvent[]>(new GetRoomLog(), TimeSpan.FromSeconds(20));

    /// <summary>The test's own digest of the room at one node, from its HTTP API (<see cref="ApiDigest"/>, attachment bytes included).</summary>
    public Task<string> DigestAsync(int node, string room) => ApiDigest.Of(Clients[node], room);

    public async Task<RoomCausality> CausalityAsync(int node, string room) => await RoomActor(node, room).Ask<RoomCausality>(new GetRoomCausality(), TimeSpan.FromSeconds(20));

    /// <summary>Waits until every running node's API shows the same room (by <see cref="ApiDigest"/>), and returns that digest.</summary>
    public async Task<string> ConvergedDigestAsync(string room, Func<string, bool>? also = null)
    {
        string[] digests = [];
        await Eventually.Until(async () =>
        {
            digests = await Task.WhenAll(Enumerable.Range(0, Nodes.Count).Where(i => Nodes[i].Runtime?.Room(room) is not null).Select(i => DigestAsync(i, room)));
            return digests.Length == Nodes.Count && digests.Distinct().Count() == 1 && (also is null || also(digests[0]));
        }, TimeSpan.FromSeconds(60), () => $"room {room} converges: {string.Join("\n----\n", digests)}");
        return digests[0];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clients) c.Dispose();
        await Cluster.DisposeAsync();
        if (_ownsDirectory) DeleteDirectory(DataDirectory);
    }

    public static void DeleteDirectory(string dir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Eventually
{
    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what) => Until(condition, timeout, () => what);

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="describe"/> after <paramref name="timeout"/>. Never asserts a timing.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // Not there yet (a node still starting, a room not known yet): poll again.
            }
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not reached within {timeout}: {describe()}");
            await Task.Delay(100);
        }
    }
}
