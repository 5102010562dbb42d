using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>DistributedPubSub: on every node a <see cref="FanOutNode"/> subscribes to the topic and publishes to it (at most once, no order across publishers).</summary>
public sealed class PubSubMode(string name) : GroupMode(name)
{
    public override async Task<RunOutcome> RunAsync(BenchCluster cluster, RunSpec spec)
    {
        var systems = cluster.Systems;
        var n = systems.Count;
        var count = new DeliveryCount(n, spec.Messages);
        var mediators = systems.Select(s => DistributedPubSub.Get(s).Mediator).ToArray();
        var nodes = systems.Select((s, i) => s.ActorOf(FanOutNode.Props(i, count, spec.Window, spec.Tag, mediators[i]))).ToArray();
        try
        {
            for (var i = 0; i < n; i++) mediators[i].Tell(new Subscribe(spec.Tag, nodes[i]), nodes[i]);
            // Subscriptions spread by gossip: publish probes from every node until every node has seen every node's.
            await Poll.Until(() =>
            {
                for (var i = 0; i < n; i++) mediators[i].Tell(new Publish(spec.Tag, $"probe:{i}"));
                return Task.FromResult(count.Probes.All(row => row.All(seen => Volatile.Read(ref seen))));
            }, "pubsub subscriptions");
            var watch = Stopwatch.StartNew();
            foreach (var node in nodes) node.Tell(new FanOutNode.Start(null));
            var elapsed = await AwaitDeliveries(count, spec, watch);
            return new RunOutcome(elapsed, count.Delivered, count.Expected, 0, null);
        }
        finally
        {
            for (var i = 0; i < n; i++) mediators[i].Tell(new Unsubscribe(spec.Tag, nodes[i]), nodes[i]);
            foreach (var node in nodes) node.Tell(PoisonPill.Instance);
        }
    }
}
