using System.Threading.Channels;
using Akka.Actor;
using CollabEditor.Crdt;
using CollabEditor.Nodes;
using CollabEditor.Tests.Support;
using CollabEditor.Web;

namespace CollabEditor.Tests.Cluster;

/// <summary>A page's edit outside the document is refused: the page hears why, the node counts it, nothing changes.</summary>
[Collection(LoopbackClusterCollection.Name)]
public class PageEditRefusalTests
{
    [Fact]
    public async Task A_patch_at_position_99999_is_refused_with_a_reason_and_counted()
    {
        var systems = await EditorCluster.StartLocal(1);
        try
        {
            var editor = systems[0].ActorOf(Props.Create(() => new EditorActor("doc", "n0", 0, null)), "editor");
            await EditorCluster.WaitForView([editor], 1, TimeSpan.FromSeconds(60));
            var toPage = Channel.CreateUnbounded<object>();
            var page = systems[0].ActorOf(Props.Create(() => new PageActor(toPage.Writer)));
            editor.Tell(new OpenSession("ada", page), page);
            editor.Tell(new ClientEdit(0, 1, [new Patch(0, 0, "hello")]), page);
            editor.Tell(new ClientEdit(0, 2, [new Patch(99999, 0, "x")]), page);

            EditRefused? refused = null;
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (refused is null) refused = await toPage.Reader.ReadAsync(cancel.Token) as EditRefused;
            Assert.Equal(2, refused.EditId);
            Assert.Contains("99999", refused.Reason);
            Assert.Contains("outside the document", PageProtocolJson(refused));
            var status = await editor.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(10));
            Assert.Equal(1, status.EditsRefused);
            Assert.Equal("hello", await editor.Ask<string>(GetText.Instance, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await Task.WhenAll(systems.Select(s => s.Terminate()));
        }
    }

    private static string PageProtocolJson(EditRefused r) => System.Text.Json.JsonSerializer.Serialize(PageProtocol.ToJson(r));
}
