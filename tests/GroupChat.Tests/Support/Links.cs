using GroupChat.Web;

namespace GroupChat.Tests.Support;

/// <summary>The sample's own link controls (Akka's throttler adapter) between two nodes of a test cluster.</summary>
public static class Links
{
    /// <summary>
    /// Stalls <paramref name="from"/>'s sends to <paramref name="to"/> (<see cref="LinkMode.Stall"/>) until the returned
    /// handle is disposed (or <see cref="Stalled.RestoreAsync"/> is called): the messages wait, in order.
    /// </summary>
    public static async Task<Stalled> StallAsync(TestCluster cluster, int from, int to)
    {
        var link = new Stalled(cluster, from, to);
        Assert.True(await LinkThrottle.Set(cluster.Nodes[from].Runtime!.System, cluster.Nodes[to].Runtime!.Address, LinkMode.Stall), $"stall n{from + 1} -> n{to + 1}");
        return link;
    }

    public sealed class Stalled(TestCluster cluster, int from, int to) : IAsyncDisposable
    {
        private bool _restored;

        public async Task RestoreAsync()
        {
            if (_restored) return;
            _restored = true;
            Assert.True(await LinkThrottle.Set(cluster.Nodes[from].Runtime!.System, cluster.Nodes[to].Runtime!.Address, LinkMode.Restore), $"restore n{from + 1} -> n{to + 1}");
        }

        public async ValueTask DisposeAsync() => await RestoreAsync();
    }
}
