using System.Text.Json;
using GroupChat.Model;

namespace GroupChat.Storage;

/// <summary>The one JSON form of events: on the wire (broadcast payloads and snapshots) and in the database.</summary>
public static class ChatJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] ToBytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T FromBytes<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, Options)
        ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");

    public static string ToText<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T FromText<T>(string text) => JsonSerializer.Deserialize<T>(text, Options)
        ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}

/// <summary>What a room member sends on a join: the room's replicated events (local notes left out), gzipped JSON.</summary>
public static class RoomSnapshot
{
    public static byte[] Encode(IEnumerable<StoredEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            JsonSerializer.Serialize(gzip, events.Where(e => e.Event is not null).ToArray(), ChatJson.Options);
        }
        return buffer.ToArray();
    }

    public static StoredEvent[] Decode(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length == 0) return [];
        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes.ToArray()), System.IO.Compression.CompressionMode.Decompress);
        return JsonSerializer.Deserialize<StoredEvent[]>(gzip, ChatJson.Options) ?? [];
    }
}
