using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// One node's part of one run: its benchmark actor and what it broadcasts through (peer refs, a pubsub topic or an
/// ActorCausal group). The same steps serve the in-process benchmark (one per ActorSystem) and a node process.
/// </summary>
public sealed class NodeRun
{
    private readonly ActorSystem _system;
    private readonly RunState _state;
    private readonly IActorRef _mediator;

    private NodeRun(ActorSystem system, int index, RunState state, string mode, string tag)
    {
        _system = system;
        _state = state;
        Index = index;
        Mode = mode;
        Tag = tag;
        _mediator = DistributedPubSub.Get(system).Mediator;
        Actor = system.ActorOf(BenchNode.Props(index, state, ClusterBench.TransportOf(mode), ClusterBench.OrderOf(mode), MemberIdOf(system), tag, _mediator), ActorName(tag));
        if (ClusterBench.TransportOf(mode) == Transport.PubSub) _mediator.Tell(new Subscribe(tag, Actor), Actor);
    }

    public int Index { get; }
    public string Mode { get; }
    public string Tag { get; }
    public IActorRef Actor { get; }
    public CausalGroup? Group { get; private set; }

    public static NodeRun Create(ActorSystem system, int index, RunState state, string mode, string tag) => new(system, index, state, mode, tag);

    public static MemberId MemberIdOf(ActorSystem system)
    {
        var cluster = AkkaCluster.Get(system);
        return new MemberId(cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid);
    }

    private static string ActorName(string tag) => "bench-" + tag;

    /// <summary>Raw: the benchmark actors of every node, in node order (this node's own actor at its index).</summary>
    public async Task ConnectPeersAsync(IReadOnlyList<Address> addresses)
    {
        var refs = ImmutableArray.CreateBuilder<IActorRef>();
        for (var j = 0; j < addresses.Count; j++)
        {
            refs.Add(j == Index
                ? Actor
                : await BenchSteps.Bounded($"node {Index}: resolving node {j}'s benchmark actor",
                    bound => _system.ActorSelection(new RootActorPath(addresses[j]) / "user" / ActorName(Tag)).ResolveOne(bound)));
        }
        await BenchSteps.Ask<BenchNode.Done>(Actor, new BenchNode.Peers(refs.ToImmutable()), $"node {Index}: handing the peers to the benchmark actor");
    }

    /// <summary>ActorCausal: joins the run's group with this mode's total-order variant and makes the actor its subscriber.</summary>
    public async Task JoinGroupAsync()
    {
        var totalOrder = Mode switch
        {
            "total2" or "safe-total2" => TotalOrderMode.TwoStep,
            "total-sym" => TotalOrderMode.Symmetric,
            _ => TotalOrderMode.ThreeStep,
        };
        // From the configured settings: a new GroupMemberSettings would replace actorcausal.protocol whole.
        var causalGroups = CausalGroups.Get(_system);
        Group = causalGroups.Join(Tag, Actor, causalGroups.Settings.Protocol with { TotalOrder = totalOrder });
        var groupRef = await BenchSteps.Bounded($"node {Index}: starting the group actor", _ => Group.Ref);
        await BenchSteps.Ask<BenchNode.Done>(Actor, new BenchNode.Attach(groupRef), $"node {Index}: attaching the group");
    }

    /// <summary>Pubsub: a readiness probe; the run starts once every node has seen every node's.</summary>
    public void PublishProbe() => _mediator.Tell(new Publish(Tag, $"probe:{Index}"));

    public bool SeenEveryProbe => _state.Probes[Index].All(seen => seen);

    public Task<GroupStatus> StatusAsync() => BenchSteps.Bounded($"node {Index}: group status", _ => Group!.Status());

    /// <summary>Member of a view of all <paramref name="nodes"/> (the caller compares the view ids across nodes).</summary>
    public static bool InFullView(GroupStatus status, int nodes) => status.State == GroupActorState.Member && status.View.Size == nodes;

    public void Start() => Actor.Tell(new BenchNode.Start());

    /// <summary>The actor stops; for ActorCausal its member leaves the group (the subscriber terminated).</summary>
    public void Stop() => Actor.Tell(PoisonPill.Instance);
}
