using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using CollabEditor.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace CollabEditor.Web;

/// <summary>The web page of one node: static files (wwwroot) and a WebSocket per page. It only serves: edits go to the
/// node's editor actor, whose views come back to the page.</summary>
public sealed class NodeWeb : IAsyncDisposable
{
    private readonly WebApplication _app;

    public string Url { get; }

    private NodeWeb(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public static async Task<NodeWeb> Start(ActorSystem system, IActorRef editor, string host, int port, string nodeName)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, WebRootPath = root });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{host}:{port}");
        var app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root) });
        app.MapGet("/api/status", async () =>
        {
            var s = await editor.Ask<EditorStatus>(GetEditorStatus.Instance, TimeSpan.FromSeconds(5));
            return Results.Json(new { node = nodeName, txns = s.Txns, length = s.Length, members = s.Members, rejected = s.UpdatesRejected, refused = s.EditsRefused });
        });
        app.MapGet("/api/text", async () => Results.Text(await editor.Ask<string>(Nodes.GetText.Instance, TimeSpan.FromSeconds(5))));
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("a WebSocket endpoint");
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await ServePage(system, editor, socket, context.Request.Query["name"].ToString(), app.Logger, context.RequestAborted);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new NodeWeb(app, url.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
    }

    private static async Task ServePage(ActorSystem system, IActorRef editor, WebSocket socket, string name, ILogger log, CancellationToken aborted)
    {
        var toPage = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
        var page = system.ActorOf(Props.Create(() => new PageActor(toPage.Writer)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var sending = SendLoop(socket, toPage.Reader, stop.Token);
        editor.Tell(new OpenSession(name, page), page);
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var r = await socket.ReceiveAsync(buffer, stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (message.Length > 4 << 20)
                {
                    log.LogWarning("page message over 4 MiB: closing the socket");
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, "too big", CancellationToken.None);
                    break;
                }
                if (!r.EndOfMessage) continue;
                var parsed = PageProtocol.Parse(message.GetBuffer().AsSpan(0, (int)message.Length), out var error);
                message.SetLength(0);
                if (parsed is null) log.LogWarning("malformed page message ignored: {Error}", error);
                else editor.Tell(parsed, page);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            system.Stop(page);
            toPage.Writer.TryComplete();
            await stop.CancelAsync();
            try { await sending; } catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
    }

    /// <summary>Sends what the editor said, coalesced: of a burst only the latest text and the latest presence.</summary>
    private static async Task SendLoop(WebSocket socket, ChannelReader<object> reader, CancellationToken cancel)
    {
        while (await reader.WaitToReadAsync(cancel))
        {
            DocumentView? text = null;
            PresenceView? presence = null;
            var refusals = new List<object>();
            while (reader.TryRead(out var m))
            {
                if (m is DocumentView d) text = d;
                else if (m is PresenceView p) presence = p;
                else if (m is EditRefused r) refusals.Add(r);
            }
            foreach (var m in refusals.Append(text).Append(presence))
            {
                if (m is null) continue;
                var bytes = JsonSerializer.SerializeToUtf8Bytes(PageProtocol.ToJson(m));
                await socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancel);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
