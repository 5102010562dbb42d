using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;

namespace CollabEditor.Nodes;

/// <summary>
/// Stops the nodes of one process (the three-node demo). They leave the cluster one by one, last started first, each
/// only once the nodes still here have seen the one before it Removed; then the remoting associations between them
/// are closed while every system still runs (<see cref="RemoteAssociations"/>), and then every ActorSystem terminates.
/// Without that close, a system terminating while the others ran could cut a connection without its
/// Disassociate(Shutdown) message, and Akka.Remote on a node still running logged it at ERROR.
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
        await RemoteAssociations.CloseAll(nodes.Select(n => n.System).ToList(), boundPerNode);
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask()));
    }

    private static async Task SeenRemoved(ActorSystem[] remaining, Address address, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (remaining.Any(s => Cluster.Get(s).State.Members.Any(m => m.Address == address)) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }
}
