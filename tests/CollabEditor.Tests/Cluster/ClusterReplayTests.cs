using Akka.Actor;
using CollabEditor.Nodes;
using CollabEditor.Replay;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

/// <summary>Real traces replayed over real in-process clusters (ActorSystems on loopback remoting, ActorCausal causal
/// broadcast): every replica must end at endContent.</summary>
[Collection(LoopbackClusterCollection.Name)]
public class ClusterReplayTests
{
    /// <summary>friendsforever: 2 agents, one per node, one broadcast per edit. A1 (the eg-walker paper's): 204 agents
    /// (git authors) over three nodes, agent a on node a mod 3, each node making its agents' edits at their parents'
    /// versions while the others' arrive.</summary>
    [Theory]
    [InlineData("friendsforever", 2, 0)]
    [InlineData("A1", 3, 5)]
    public async Task A_concurrent_trace_over_real_nodes_converges_at_endContent(string name, int nodes, int batchMs)
    {
        var trace = TraceFiles.Get(name);
        var result = await ClusterReplay.Run(trace, nodes, batchMs, timeout: TimeSpan.FromMinutes(6));
        Assert.Null(result.Error);
        Assert.Equal(nodes, result.Texts.Length);
        Assert.All(result.Texts, t => Assert.Equal(trace.EndContent, t));
        Assert.True(result.Converged);
    }

    [Theory]
    [InlineData("sveltecomponent", 5)]
    [InlineData("automerge-paper", 5)]
    [InlineData("sveltecomponent", 0)]
    public async Task A_sequential_trace_over_three_nodes_converges_at_all(string name, int batchMs)
    {
        // batchMs 0: one causal broadcast per edit (18,335 of them for sveltecomponent)
        var trace = TraceFiles.Get(name);
        var result = await ClusterReplay.Run(trace, nodes: 3, batchMs: batchMs, timeout: TimeSpan.FromMinutes(4));
        Assert.Null(result.Error);
        Assert.Equal(3, result.Texts.Length);
        Assert.All(result.Texts, t => Assert.Equal(trace.EndContent, t));
        Assert.Equal(trace.Txns.Length, result.Txns);
    }

    /// <summary>
    /// A replica whose group member stopped (here its group actor, /system/actorcausal/&lt;group&gt;, is stopped) gets no
    /// more updates: the replay fails at once with that reason, whether the replica types (0) or only receives (1),
    /// instead of waiting for its 10-minute timeout.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_replica_whose_group_member_stopped_fails_the_replay_at_once_with_the_reason(int broken)
    {
        var trace = TraceFiles.Get("sveltecomponent");
        var result = await ClusterReplay.Run(trace, nodes: 3, batchMs: 5, beforeReplay: async (systems, editors) =>
        {
            systems[broken].ActorSelection("/system/actorcausal/*").Tell(PoisonPill.Instance);
            await Eventually.Assert(async () =>
                Assert.NotNull((await editors[broken].Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(10))).ReplayError));
        });
        Assert.False(result.Converged);
        Assert.NotNull(result.Error);
        Assert.DoesNotContain("timed out", result.Error);
        Assert.Contains($"{LocalReplay.AgentName(broken)}: the editor's group member stopped (Failed)", result.Error);
    }
}
