using System.Text.Json;

namespace GroupChat.Web;

/// <summary>What each JSON request body looks like, for error messages a person can act on (never a .NET type name).</summary>
public static class RequestShapes
{
    private static readonly Dictionary<Type, string> Shapes = new()
    {
        [typeof(ChatApi.CreateRoomBody)] = """{"name": "...", "author": "..."}""",
        [typeof(ChatApi.PostBody)] = """{"author": "...", "text": "...", "replyTo": "message id (optional)", "attachment": "attachment id (optional)"}""",
        [typeof(ChatApi.ReactionBody)] = """{"author": "...", "emoji": "..."}""",
        [typeof(ChatApi.AuthorBody)] = """{"author": "..."}""",
        [typeof(ChatApi.RemoveBody)] = """{"author": "...", "person": "..."}""",
        [typeof(ChatApi.RenameBody)] = """{"author": "...", "name": "..."}""",
        [typeof(ChatApi.LinkBody)] = """{"peer": "n2", "mode": "slow | stall | cut | restore"}""",
        [typeof(ChatApi.NodeBody)] = """{"node": "n2"}""",
    };

    public static string Of<T>() => Shapes.GetValueOrDefault(typeof(T), "a JSON object");

    /// <summary>Where the body went wrong (line, position, field) and what was expected, from a <see cref="JsonException"/>.</summary>
    public static string Explain<T>(JsonException e)
    {
        var where = $"line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}";
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        var problem = e.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? field is null ? "the body is not a JSON object" : $"\"{field}\" has the wrong type (text is expected, in quotes)"
            : "this is not valid JSON";
        return $"Malformed request at {where}: {problem}. Expected {Of<T>()}.";
    }
}
