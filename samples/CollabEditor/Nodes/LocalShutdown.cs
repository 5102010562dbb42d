using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace CollabEditor.Nodes;

/// <summary>
/// Stops the nodes of one process (the three-node demo). They leave the cluster one by one, last started first, each
/// only once the nodes still here have seen the one before it Removed; then every ActorSystem terminates at once.
/// A node that terminated while the others still ran cut their connections to it, and Akka.Remote on a remaining node
/// logged the lost association at ERROR (an EndpointDisassociatedException stack trace) although the leave was clean.
/// </summary>
public static class LocalShutdown
{
    /// <summary>For the nodes <see cref="StopAll"/> stops: leaving the cluster no longer terminates the system.</summary>
    public static readonly Config KeepRunningAfterLeaving = ConfigurationFactory.ParseString("akka.coordinated-shutdown { terminate-actor-system = off, run-by-actor-system-terminate = off }");

    public static async Task StopAll(IReadOnlyList<EditorNode> nodes, TimeSpan boundPerNode)
    {
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            var leaving = nodes[i].System;
            var address = Cluster.Get(leaving).SelfAddress;
            // with KeepRunningAfterLeaving this leaves and keeps the system (and its connections) running
            await CoordinatedShutdown.Get(leaving).Run(CoordinatedShutdown.ClusterLeavingReason.Instance)
                .WaitAsync(boundPerNode).ContinueWith(_ => { }, TaskScheduler.Default);
            await SeenRemoved(nodes.Take(i).Select(n => n.System).ToArray(), address, boundPerNode);
        }
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
    }

    private static async Task SeenRemoved(ActorSystem[] remaining, Address address, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (remaining.Any(s => Cluster.Get(s).State.Members.Any(m => m.Address == address)) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }
}
