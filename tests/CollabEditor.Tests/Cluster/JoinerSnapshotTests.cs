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

    /// <summary>
    /// A joiner whose replica already has edits when the group's state arrives (a page typed before the node was
    /// admitted; or its side of a group that formed twice joins afresh): the state transfer does not replace them, and
    /// the group gets them too.
    /// </summary>
    [Fact]
    public async Task Edits_made_before_the_state_transfer_are_kept_and_reach_every_node()
    {
        var systems = await EditorCluster.StartLocal(2);
        try
        {
            var first = systems[0].ActorOf(Props.Create(() => new EditorActor("doc", "n0", 0, null)), "editor");
            await EditorCluster.WaitForView([first], 1, TimeSpan.FromSeconds(60));
            first.Tell(new LocalEdit([new Patch(0, 0, "founder's text. ")]));
            Xunit.Assert.Equal("founder's text. ", await first.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10)));

            var joiner = systems[1].ActorOf(Props.Create(() => new EditorActor("doc", "n1", 0, null)), "editor");
            joiner.Tell(new LocalEdit([new Patch(0, 0, "joiner's 😀 text. ")]));
            var before = await joiner.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(10));
            Xunit.Assert.Empty(before.Members); // the premise: the edit was made before the group admitted this node
            Xunit.Assert.Equal(1, before.Txns);

            await EditorCluster.WaitForView([first, joiner], 2, TimeSpan.FromSeconds(60));
            string[] texts = [];
            await Eventually.Assert(async () =>
            {
                texts = await Task.WhenAll(new[] { first, joiner }.Select(e => e.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10))));
                Xunit.Assert.Contains(texts[0], new[] { "founder's text. joiner's 😀 text. ", "joiner's 😀 text. founder's text. " });
                Xunit.Assert.Equal(texts[0], texts[1]);
            }, TimeSpan.FromSeconds(60));
            foreach (var e in new[] { first, joiner }) Xunit.Assert.Equal(0, (await e.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(10))).UpdatesRejected);
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate()));
        }
    }
}
