using System.Collections.Concurrent;
using Akka.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>A test class whose every test gets a new three-node cluster in this process, and the helpers they share.</summary>
public abstract class ThreeNodeStreamTests : IAsyncLifetime
{
    protected static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    protected StreamsCluster Nodes { get; private set; } = null!;

    public async Task InitializeAsync() => Nodes = await StreamsCluster.StartAsync(3);

    public async Task DisposeAsync() => await Nodes.DisposeAsync();

    protected Task<(CausalGroupMember[] Members, ConcurrentQueue<IGroupEvent>[] Events, Task[] Done, UniqueKillSwitch[] Switches)> JoinAll(
        string group, int nodes = 3, CausalGroupSourceSettings? settings = null) => GroupStreams.JoinAll(Nodes, group, nodes, settings);

    protected static List<Delivered> Deliveries(ConcurrentQueue<IGroupEvent> events) => events.OfType<Delivered>().ToList();
}
