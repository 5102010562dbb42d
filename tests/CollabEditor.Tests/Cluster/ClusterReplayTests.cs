using CollabEditor.Replay;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

/// <summary>Real traces replayed over real in-process clusters (ActorSystems on loopback remoting, ActorCausal causal
/// broadcast): every replica must end at endContent.</summary>
public class ClusterReplayTests
{
    [Fact]
    public async Task Friendsforever_over_two_nodes_converges_at_both()
    {
        var trace = TraceFiles.Get("friendsforever");
        var result = await ClusterReplay.Run(trace, nodes: 2, batchMs: 0, timeout: TimeSpan.FromMinutes(3));
        Assert.Null(result.Error);
        Assert.Equal(2, result.Texts.Length);
        Assert.All(result.Texts, t => Assert.Equal(trace.EndContent, t));
        Assert.True(result.Converged);
    }

    [Fact]
    public async Task Sveltecomponent_over_three_nodes_with_batching_converges_at_all()
    {
        var trace = TraceFiles.Get("sveltecomponent");
        var result = await ClusterReplay.Run(trace, nodes: 3, batchMs: 5, timeout: TimeSpan.FromMinutes(3));
        Assert.Null(result.Error);
        Assert.Equal(3, result.Texts.Length);
        Assert.All(result.Texts, t => Assert.Equal(trace.EndContent, t));
        Assert.Equal(trace.Txns.Length, result.Txns);
    }
}
