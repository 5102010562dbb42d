using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GroupChat.Tests.Support;

/// <summary>
/// The test's own digest of a room, computed from a node's HTTP API only (not from the app's <c>ChatRoom.Digest</c>):
/// the room's name, its people and their states, and every message (author, text, parent, reactions, HLC stamp) with
/// its attachment's metadata and the SHA-256 of the bytes the node serves for it. Messages sorted by id, so two nodes
/// that hold the same history give the same text whatever their delivery order.
/// </summary>
public static class ApiDigest
{
    public static async Task<string> Of(ChatClient client, string room)
    {
        var body = await client.Messages(room) ?? throw new InvalidOperationException($"{client.BaseUrl} does not know room {room}");
        var sb = new StringBuilder();
        sb.Append("name=").Append(body.GetProperty("name").GetString()).Append('\n');
        foreach (var p in body.GetProperty("people").EnumerateArray().OrderBy(p => p.GetProperty("name").GetString(), StringComparer.Ordinal))
            sb.Append("person ").Append(p.GetProperty("name").GetString()).Append('=').Append(p.GetProperty("status").ToString()).Append('\n');
        var messages = body.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("kind").GetString() == "message")
            .OrderBy(m => Text(m, "id"), StringComparer.Ordinal);
        foreach (var m in messages)
        {
            sb.Append(Text(m, "id")).Append(' ').Append(Text(m, "author")).Append(": ").Append(Text(m, "text"))
                .Append(" reply=").Append(Text(m, "replyTo")).Append(" hlc=").Append(Text(m, "hlc"));
            if (m.TryGetProperty("attachment", out var a) && a.ValueKind == JsonValueKind.Object)
            {
                var id = Text(a, "id");
                var bytes = await client.Download(room, id);
                sb.Append(" file=").Append(id).Append(':').Append(Text(a, "fileName")).Append(':').Append(Text(a, "contentType"))
                    .Append(':').Append(bytes.Length).Append(':').Append(Convert.ToHexString(SHA256.HashData(bytes)));
            }
            foreach (var r in m.GetProperty("reactions").EnumerateObject().OrderBy(r => r.Name, StringComparer.Ordinal))
                sb.Append(' ').Append(r.Name).Append('[').Append(string.Join(",", r.Value.EnumerateArray().Select(x => x.GetString()).Order(StringComparer.Ordinal))).Append(']');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch { JsonValueKind.Null => "", JsonValueKind.String => v.GetString()!, _ => v.GetRawText() } : "";
}
