using System.Collections.Concurrent;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>Joins a group as a <see cref="CausalGroupSource"/> on the first nodes of a cluster, collecting each node's events.</summary>
public static class GroupStreams
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>Joins <paramref name="group"/> on nodes 0 to <paramref name="nodes"/>-1 (the first founds it) and waits for the full view everywhere.</summary>
    public static async Task<(CausalGroupMember[] Members, ConcurrentQueue<IGroupEvent>[] Events, Task[] Done, UniqueKillSwitch[] Switches)> JoinAll(
        StreamsCluster cluster, string group, int nodes = 3, CausalGroupSourceSettings? settings = null)
    {
        var members = new CausalGroupMember[nodes];
        var events = new ConcurrentQueue<IGroupEvent>[nodes];
        var done = new Task[nodes];
        var switches = new UniqueKillSwitch[nodes];
        for (var i = 0; i < nodes; i++)
        {
            var received = events[i] = new ConcurrentQueue<IGroupEvent>();
            var ((member, kill), completion) = CausalGroupSource.Join(group, settings)
                .ViaMaterialized(KillSwitches.Single<IGroupEvent>(), Keep.Both)
                .ToMaterialized(Sink.ForEach<IGroupEvent>(received.Enqueue), Keep.Both)
                .Run(cluster.Materializer(i));
            members[i] = await member.WaitAsync(Generous);
            switches[i] = kill;
            done[i] = completion;
            await members[i].Admitted.WaitAsync(Generous);
        }
        await Eventually.Async(() => events.All(e => e.OfType<ViewChanged>().LastOrDefault()?.View.Size == nodes), Generous,
            () => "not every member installed the full view");
        return (members, events, done, switches);
    }
}
