using GroupChat.Actors;

namespace GroupChat.Web;

/// <summary>Several chat nodes in one process on loopback, each with its own ActorSystem, database and web page.</summary>
public sealed class InProcessCluster : IClusterControl, IAsyncDisposable
{
    private readonly List<ChatNode> _nodes = new();

    public IReadOnlyList<ChatNode> Nodes => _nodes;

    public ChatNode? Find(string name) => _nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>
    /// Starts <paramref name="count"/> nodes named n1..nN. HTTP ports are <paramref name="firstHttpPort"/> + i (0: all
    /// chosen by the OS); Akka ports are chosen by the OS. n1 founds the cluster, the others join it.
    /// </summary>
    public static async Task<InProcessCluster> StartAsync(int count, string dataDirectory, int firstHttpPort = 5001, string host = "127.0.0.1", string? extraConfig = null, bool replicationOff = false)
    {
        var cluster = new InProcessCluster();
        try
        {
            for (var i = 0; i < count; i++) await cluster.AddNodeAsync(dataDirectory, firstHttpPort == 0 ? 0 : firstHttpPort + i, host, extraConfig, replicationOff);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<ChatNode> AddNodeAsync(string dataDirectory, int httpPort, string host = "127.0.0.1", string? extraConfig = null, bool replicationOff = false)
    {
        var seeds = _nodes.Where(n => n.Runtime is not null).Select(n => n.Runtime!.Address).Take(1).ToList();
        var options = new NodeOptions
        {
            Name = $"n{_nodes.Count + 1}",
            Host = host,
            Port = 0,
            SeedAddresses = seeds,
            DataDirectory = dataDirectory,
            ExtraConfig = extraConfig,
            ReplicationOff = replicationOff,
        };
        var node = await ChatNode.StartAsync(options, host, httpPort, this);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Stops every node gracefully (each leaves the cluster), the last one first.</summary>
    public async Task StopAsync()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--) await _nodes[i].StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Enumerable.Reverse(_nodes)) await n.DisposeAsync();
        _nodes.Clear();
    }
}
