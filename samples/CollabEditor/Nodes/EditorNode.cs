using Akka.Actor;
using Akka.Cluster;
using CollabEditor.Web;

namespace CollabEditor.Nodes;

/// <summary>One node of the editor: an ActorSystem in the cluster, its editor actor and its web page.</summary>
public sealed class EditorNode : IAsyncDisposable
{
    public required ActorSystem System { get; init; }
    public required IActorRef Editor { get; init; }
    public required NodeWeb Web { get; init; }

    public string Url => Web.Url;

    public static async Task<EditorNode> Start(ActorSystem system, string host, int httpPort, int batchMs, string group = EditorCluster.DefaultGroup)
    {
        var address = Cluster.Get(system).SelfAddress;
        var nodeName = $"{address.Host}:{address.Port}";
        var editor = system.ActorOf(Props.Create(() => new EditorActor(group, "node-" + nodeName, batchMs, null)), "editor");
        var web = await NodeWeb.Start(system, editor, host, httpPort, nodeName);
        return new EditorNode { System = system, Editor = editor, Web = web };
    }

    public async ValueTask DisposeAsync()
    {
        await Web.DisposeAsync();
        // leave the cluster first (the others see a graceful leave, not a lost association), then terminate
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance)
            .WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
