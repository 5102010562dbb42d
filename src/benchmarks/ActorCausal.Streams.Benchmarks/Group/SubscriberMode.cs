using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>
/// The subscriber-actor path: on every node a <see cref="FanOutNode"/> joins the group as its subscriber (stateless, as
/// the Source joins), its writer paced as <paramref name="pacing"/> says. Paced by the group's answers, the members'
/// unstable bound is the run's window, so that the group keeps at most as many of a writer's messages undelivered
/// somewhere as the counter-paced writer does.
/// </summary>
public sealed class SubscriberMode(string name, WriterPacing pacing = WriterPacing.DeliveryCounters) : GroupMode(name)
{
    public override async Task<RunOutcome> RunAsync(BenchCluster cluster, RunSpec spec)
    {
        var systems = cluster.Systems;
        var count = new DeliveryCount(systems.Count, spec.Messages);
        var nodes = systems.Select((s, i) => s.ActorOf(FanOutNode.Props(i, count, spec.Window, spec.Tag, DistributedPubSub.Get(s).Mediator, pacing))).ToArray();
        var groups = systems.Select((s, i) => CausalGroups.Get(s).Join(spec.Tag, nodes[i], new JoinOptions
        {
            Stateless = true,
            Protocol = pacing == WriterPacing.GroupAnswers ? CausalGroups.Get(s).Settings.Protocol with { MaxUnstable = spec.Window } : null,
        })).ToArray();
        try
        {
            var refs = await Task.WhenAll(groups.Select(g => g.Ref)).WaitAsync(TimeSpan.FromSeconds(60));
            await AwaitOneView(groups);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < nodes.Length; i++) nodes[i].Tell(new FanOutNode.Start(refs[i]));
            var elapsed = await AwaitDeliveries(count, spec, watch);
            return new RunOutcome(elapsed, count.Delivered, count.Expected, Interlocked.Read(ref count.BackPressureRetries), null);
        }
        finally
        {
            await Task.WhenAll(groups.Select(g => g.Leave())).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var node in nodes) node.Tell(PoisonPill.Instance);
        }
    }
}
