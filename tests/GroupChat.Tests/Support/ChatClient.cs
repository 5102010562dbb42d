using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GroupChat.Tests.Support;

/// <summary>A script's view of one node: its HTTP API, nothing else.</summary>
public sealed class ChatClient(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public Uri BaseUrl => baseUrl;

    public async Task<JsonElement> CreateRoom(string name, string author) => await Ok(await _http.PostAsJsonAsync("/api/rooms", new { name, author }), HttpStatusCode.Created);

    /// <summary>The causal token of the last response (X-Causal-Token), for a request at another node with <c>?after=</c>.</summary>
    public string? LastToken { get; private set; }

    public async Task<JsonElement> Post(string room, string author, string text, string? replyTo = null, string? attachment = null, string? after = null) =>
        await Ok(await _http.PostAsJsonAsync($"/api/rooms/{room}/messages{(after is null ? "" : "?after=" + after)}", new { author, text, replyTo, attachment }), HttpStatusCode.Created);

    public Task<HttpResponseMessage> TryPost(string room, string author, string text, string? replyTo = null) =>
        _http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { author, text, replyTo });

    public async Task<JsonElement> React(string room, string id, string author, string emoji) =>
        await Ok(await _http.PostAsJsonAsync($"/api/rooms/{room}/messages/{id}/reactions", new { author, emoji }), HttpStatusCode.OK);

    public async Task<JsonElement> Upload(string room, string author, string name, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return await Ok(await _http.PostAsync($"/api/rooms/{room}/attachments?author={Uri.EscapeDataString(author)}&name={Uri.EscapeDataString(name)}", body), HttpStatusCode.Created);
    }

    public async Task<byte[]> Download(string room, string id) => await _http.GetByteArrayAsync($"/api/rooms/{room}/attachments/{id}");

    public async Task<JsonElement> Join(string room, string author) => await Ok(await _http.PostAsJsonAsync($"/api/rooms/{room}/people", new { author }), HttpStatusCode.OK);

    public Task<HttpResponseMessage> Remove(string room, string author, string person) => _http.PostAsJsonAsync($"/api/rooms/{room}/remove", new { author, person });

    public Task<HttpResponseMessage> Send(HttpRequestMessage request) => _http.SendAsync(request);

    public Task<HttpResponseMessage> Get(string path) => _http.GetAsync(path);

    /// <summary>The room's messages (and system lines) in this node's delivery order; null while the node does not know the room.</summary>
    public async Task<JsonElement?> Messages(string room)
    {
        var response = await _http.GetAsync($"/api/rooms/{room}/messages");
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await Ok(response, HttpStatusCode.OK);
    }

    public async Task<bool> IsMember(string room)
    {
        var response = await _http.GetAsync($"/api/rooms/{room}");
        if (!response.IsSuccessStatusCode) return false;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("member").GetBoolean();
    }

    /// <summary>Node name to state (ACTIVE, SUSPECTED, FAILED) as this node's lobby sees them.</summary>
    public async Task<Dictionary<string, string>> NodeStates()
    {
        var members = JsonDocument.Parse(await (await _http.GetAsync("/api/members")).Content.ReadAsStringAsync()).RootElement;
        return members.EnumerateArray().ToDictionary(m => m.GetProperty("node").GetString()!, m => m.GetProperty("state").GetString()!);
    }

    public async Task<JsonElement> Ok(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.Headers.TryGetValues("X-Causal-Token", out var tokens)) LastToken = tokens.First();
        return await Expect(response, expected);
    }

    public static async Task<JsonElement> Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode} (expected {expected}): {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
