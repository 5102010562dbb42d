using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka.Actor;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>One timed run of a mode: <see cref="Messages"/> broadcast by the nodes together, each delivered at every node.</summary>
public sealed record RunSpec(string Tag, int Messages, int Window, bool Record)
{
    public TimeSpan Timeout => TimeSpan.FromSeconds(120 + Messages / 600.0);
}

/// <summary>What a run measured; <see cref="Histories"/> (what each node's application saw) only when recorded.</summary>
public sealed record RunOutcome(TimeSpan Elapsed, long Delivered, long Expected, long BackPressureRetries, IReadOnlyList<MemberHistory>? Histories)
{
    /// <summary>The checker's violations over <see cref="Histories"/>, once checked.</summary>
    public int? Violations { get; init; }

    public bool Complete => Delivered == Expected;
}

/// <summary>
/// A way of carrying the workload through the cluster. A mode sets up its readers and writers on every node (untimed),
/// times from the first send until every node delivered every message, and tears down (the next run gets a new group
/// or topic).
/// </summary>
public abstract class GroupMode(string name)
{
    public string Name { get; } = name;

    /// <summary>Every mode of the <c>group</c> command, in the order they run within a round.</summary>
    public static IReadOnlyList<GroupMode> All { get; } =
    [
        new StreamMode("stream", CausalGroupSourceSettings.Default),
        new SubscriberMode("subscriber"),
        new SubscriberMode("subscriber-answers", WriterPacing.GroupAnswers),
        new PubSubMode("pubsub"),
    ];

    /// <summary>Run only when named (<c>--only</c>): which half of the stream path costs what.</summary>
    public static IReadOnlyList<GroupMode> Experiments { get; } =
    [
        new StreamMode("source-only", CausalGroupSourceSettings.Default, StreamWriter.Actor),
        new StreamMode("sink-parallel64", CausalGroupSourceSettings.Default, StreamWriter.Parallel64),
        new StreamMode("stream-window32", CausalGroupSourceSettings.Default, sinkSettings: new CausalGroupFlowSettings { MaxInFlight = 32 }),
        new StreamMode("stream-window256", CausalGroupSourceSettings.Default, sinkSettings: new CausalGroupFlowSettings { MaxInFlight = 256 }),
        new StreamMode("stream-window1024", CausalGroupSourceSettings.Default, sinkSettings: new CausalGroupFlowSettings { MaxInFlight = 1024 }),
        new StreamMode("stream-pushed", CausalGroupSourceSettings.Default with { OnDemand = false, BufferSize = 1_000_000 }),
        // One message per event and per broadcast between the stages and the group actor, as before the batches.
        new StreamMode("stream-unbatched", CausalGroupSourceSettings.Default with { BatchEvents = false }, sinkSettings: new CausalGroupFlowSettings { BatchBroadcasts = false }),
        new StreamMode("stream-unbatched-source", CausalGroupSourceSettings.Default with { BatchEvents = false }),
        new StreamMode("stream-unbatched-sink", CausalGroupSourceSettings.Default, sinkSettings: new CausalGroupFlowSettings { BatchBroadcasts = false }),
        StreamWithBound(500),
        StreamWithBound(1_000),
        StreamWithBound(2_000),
        StreamWithBound(10_000),
    ];

    /// <summary>The stream mode with the group's <c>max-unstable</c> at <paramref name="maxUnstable"/>, so that bounds compare in one run.</summary>
    private static StreamMode StreamWithBound(int maxUnstable) =>
        new($"stream-unstable{maxUnstable}", CausalGroupSourceSettings.Default with
        {
            JoinOptions = CausalGroupSourceSettings.Default.JoinOptions with { Protocol = new ActorCausal.Protocol.GroupMemberSettings { MaxUnstable = maxUnstable } },
        });

    /// <summary>The modes named in <paramref name="only"/> (comma-separated), or <see cref="All"/>.</summary>
    public static IReadOnlyList<GroupMode> Named(string? only) =>
        only is null
            ? All
            : only.Split(',').Select(name => All.Concat(Experiments).FirstOrDefault(m => m.Name == name)
                ?? throw new ArgumentException($"Unknown mode '{name}'; modes: {string.Join(", ", All.Concat(Experiments).Select(m => m.Name))}")).ToList();

    public abstract Task<RunOutcome> RunAsync(BenchCluster cluster, RunSpec spec);

    protected static MemberId MemberIdOf(ActorSystem system)
    {
        var cluster = AkkaCluster.Get(system);
        return new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
    }

    /// <summary>Waits for the run to finish (or its timeout) and says how long it took from <paramref name="started"/>.</summary>
    protected static async Task<TimeSpan> AwaitDeliveries(DeliveryCount count, RunSpec spec, System.Diagnostics.Stopwatch started)
    {
        await Task.WhenAny(count.Done.Task, Task.Delay(spec.Timeout));
        started.Stop();
        return started.Elapsed;
    }

    /// <summary>Every member is in one view of all the nodes.</summary>
    protected static Task AwaitOneView(IReadOnlyList<CausalGroup> groups) =>
        Poll.Until(async () =>
        {
            var statuses = await Task.WhenAll(groups.Select(g => g.Status()));
            return statuses.All(s => s.State == GroupActorState.Member && s.View.Size == groups.Count && s.View.Id == statuses[0].View.Id);
        }, "the group view");
}
