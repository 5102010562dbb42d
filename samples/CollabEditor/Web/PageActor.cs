using System.Threading.Channels;
using Akka.Actor;

namespace CollabEditor.Web;

/// <summary>Stands for one browser page towards the editor actor: what the editor tells it goes to the page's socket.</summary>
public sealed class PageActor : ReceiveActor
{
    public PageActor(ChannelWriter<object> toPage)
    {
        ReceiveAny(m => toPage.TryWrite(m));
    }

    protected override void PostStop() { }
}
