using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace GroupChat.Web;

/// <summary>
/// View ids are 64-bit (a founder's range in the high bits) and exceed JavaScript's exact integers (2^53): the API writes
/// every <c>viewId</c> as a JSON string, so the page shows and compares the exact value.
/// </summary>
public static class JsonIds
{
    public static void WriteViewIdsAsStrings(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.Name == "viewId" && property.PropertyType == typeof(long)) property.CustomConverter = new LongAsString();
        }
    }

    private sealed class LongAsString : JsonConverter<long>
    {
        public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? long.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : reader.GetInt64();

        public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
