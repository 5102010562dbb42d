using System.Text;
using CollabEditor.Nodes;
using CollabEditor.Web;

namespace CollabEditor.Tests.Web;

public class PageProtocolTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"edit","seq":1}""")]
    [InlineData("""{"type":"edit","seq":1,"id":1,"patches":[[0,0]]}""")]
    [InlineData("""{"type":"edit","seq":"x","id":1,"patches":[]}""")]
    [InlineData("""{"type":"launch"}""")]
    [InlineData("""[1,2,3]""")]
    public void A_malformed_page_message_is_refused_with_a_reason(string json)
    {
        Assert.Null(PageProtocol.Parse(Encoding.UTF8.GetBytes(json), out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void An_edit_and_a_caret_parse()
    {
        var edit = Assert.IsType<ClientEdit>(PageProtocol.Parse(Encoding.UTF8.GetBytes("""{"type":"edit","seq":7,"id":3,"patches":[[2,1,"😀"]]}"""), out _));
        Assert.Equal(7, edit.Seq);
        Assert.Equal(3, edit.EditId);
        Assert.Equal(new CollabEditor.Crdt.Patch(2, 1, "😀"), edit.Patches.Single());
        Assert.Equal(new ClientCaret(5), PageProtocol.Parse(Encoding.UTF8.GetBytes("""{"type":"caret","pos":5}"""), out _));
    }
}
