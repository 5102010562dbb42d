using System.Text;
using System.Text.Json;

namespace GroupChat.Model;

/// <summary>
/// A causal session token (as MongoDB's causal sessions give): for one room, the highest sequence a node had delivered
/// from each origin. A node satisfies a token once it has delivered at least that much from every origin named.
/// Encoded as URL-safe base64 of a small JSON object.
/// </summary>
public sealed record CausalToken(string Room, IReadOnlyDictionary<string, long> Seen)
{
    public static CausalToken Of(string room, IReadOnlyDictionary<string, long> progress) => new(room, new Dictionary<string, long>(progress));

    public bool SatisfiedBy(IReadOnlyDictionary<string, long> progress) =>
        Seen.All(s => progress.GetValueOrDefault(s.Key) >= s.Value);

    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Wire(Room, Seen.ToDictionary(k => k.Key, k => k.Value)));
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string text, out CausalToken? token, out string? problem)
    {
        token = null;
        problem = null;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var wire = JsonSerializer.Deserialize<Wire>(Convert.FromBase64String(b64));
            if (wire?.R is null || wire.S is null || wire.S.Any(s => s.Value < 0)) throw new FormatException("missing fields");
            token = new CausalToken(wire.R, wire.S);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            // Not the exception's text: the JSON reader's names .NET types.
            problem = $"'after' is not a causal token ({(e is JsonException ? "wrong fields" : "not base64url of a JSON object")}): give the X-Causal-Token of an earlier answer.";
            return false;
        }
    }

    private sealed record Wire(string R, Dictionary<string, long> S);
}
