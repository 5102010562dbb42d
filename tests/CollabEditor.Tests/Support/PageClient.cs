using System.Net.WebSockets;
using System.Text.Json;

namespace CollabEditor.Tests.Support;

/// <summary>
/// A page of the editor as the browser's script speaks to its node (<c>/ws</c>, Web/PageProtocol.cs), without a browser:
/// keeps the latest text and the other sessions' carets the node sent, edits and moves its caret.
/// </summary>
public sealed class PageClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task _receiving = Task.CompletedTask;
    private long _seq, _acked, _nextEdit;
    private string _text = "";
    private Dictionary<string, int> _carets = new();
    private readonly List<string> _errors = new();

    public string Name { get; }

    private PageClient(string name) => Name = name;

    public static async Task<PageClient> OpenAsync(string nodeUrl, string name)
    {
        var page = new PageClient(name);
        var ws = new Uri(nodeUrl.Replace("http://", "ws://") + "/ws?name=" + Uri.EscapeDataString(name));
        using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await page._socket.ConnectAsync(ws, connect.Token);
        page._receiving = Task.Run(page.ReceiveLoop);
        await page.WaitUntil(p => p._seq > 0, "the first text");
        return page;
    }

    public string Text { get { lock (_gate) return _text; } }

    /// <summary>Other sessions' carets by name, in code points of <see cref="Text"/>'s latest version.</summary>
    public Dictionary<string, int> Carets { get { lock (_gate) return new Dictionary<string, int>(_carets); } }

    /// <summary>Sends one edit at the latest text and waits until the node's text acknowledges it.</summary>
    public async Task EditAsync(int position, int deleted, string inserted)
    {
        long id, seq;
        lock (_gate)
        {
            id = ++_nextEdit;
            seq = _seq;
        }
        await SendAsync(new { type = "edit", seq, id, patches = new object[] { new object[] { position, deleted, inserted } } });
        await WaitUntil(p => p._acked >= id, $"edit {id} acknowledged");
        lock (_gate) Assert.Empty(_errors);
    }

    public Task CaretAsync(int position) => SendAsync(new { type = "caret", pos = position });

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds of this page's state.</summary>
    public async Task WaitUntil(Func<PageClient, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            lock (_gate)
                if (condition(this)) return;
            if (_receiving.IsCompleted) throw new InvalidOperationException($"page {Name}: the socket closed before {what}", _receiving.Exception);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"page {Name}: no {what} (text '{Text}', carets {string.Join(", ", Carets)})");
            await Task.Delay(50);
        }
    }

    private async Task SendAsync(object message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, timeout.Token);
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (_socket.State == WebSocketState.Open)
        {
            var r = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (r.MessageType == WebSocketMessageType.Close) return;
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            using var doc = JsonDocument.Parse(message.ToArray());
            message.SetLength(0);
            var root = doc.RootElement;
            lock (_gate)
            {
                switch (root.GetProperty("type").GetString())
                {
                    case "text":
                        _text = root.GetProperty("text").GetString()!;
                        _seq = root.GetProperty("seq").GetInt64();
                        _acked = root.GetProperty("acked").GetInt64();
                        break;
                    case "presence":
                        _carets = root.GetProperty("carets").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("pos").GetInt32());
                        break;
                    case "error":
                        _errors.Add(root.GetProperty("message").GetString()!);
                        break;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (_socket.State == WebSocketState.Open) await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        await _stop.CancelAsync();
        try { await _receiving.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
