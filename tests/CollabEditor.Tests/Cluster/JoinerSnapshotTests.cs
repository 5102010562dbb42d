using Akka.Actor;
using Akka.Cluster;
using CollabEditor.Crdt;
using CollabEditor.Nodes;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Cluster;

[Collection(LoopbackClusterCollection.Name)]
public class JoinerSnapshotTests
{
    [Fact]
    public async Task A_node_that_joins_later_gets_the_document_through_the_snapshot_and_then_edits_with_the_others()
    {
        var systems = (await EditorCluster.StartLocal(2)).ToList();
        try
        {
            var editors = systems.Select((s, i) => s.ActorOf(Props.Create(() => new EditorActor("doc", "n" + i, 0, null)), "editor")).ToList();
            await EditorCluster.WaitForView(editors, 2, TimeSpan.FromSeconds(60));
            editors[0].Tell(new LocalEdit([new Patch(0, 0, "shared text 😀")]));
            editors[1].Tell(new LocalEdit([new Patch(0, 0, ">> ")]));
            await Eventually.Assert(async () =>
            {
                var a = await editors[0].Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10));
                Xunit.Assert.Equal(a, await editors[1].Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10)));
                Xunit.Assert.Equal(16, TextDocument.CodePoints(a));
            });
            var expected = await editors[0].Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10));

            var joiner = ActorSystem.Create(EditorCluster.SystemName, EditorCluster.NodeConfig("127.0.0.1", 0, [], quiet: true));
            systems.Add(joiner);
            Akka.Cluster.Cluster.Get(joiner).Join(Akka.Cluster.Cluster.Get(systems[0]).SelfAddress);
            var third = joiner.ActorOf(Props.Create(() => new EditorActor("doc", "n2", 0, null)), "editor");
            editors.Add(third);
            await EditorCluster.WaitForView([third], 3, TimeSpan.FromSeconds(60));
            await Eventually.Assert(async () => Xunit.Assert.Equal(expected, await third.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10))));
            var status = await third.Ask<EditorStatus>(GetEditorStatus.Instance);
            Xunit.Assert.Equal(0, status.UpdatesApplied); // it got the text from the snapshot, not from replayed updates

            third.Tell(new LocalEdit([new Patch(0, 0, "3:")]));
            editors[0].Tell(new LocalEdit([new Patch(TextDocument.CodePoints(expected), 0, "!")]));
            await Eventually.Assert(async () =>
            {
                var texts = await Task.WhenAll(editors.Select(e => e.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10))));
                Xunit.Assert.All(texts, t => Xunit.Assert.Equal("3:" + expected + "!", t));
            });
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate()));
        }
    }
}
