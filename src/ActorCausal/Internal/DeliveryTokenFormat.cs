using System.Collections.Immutable;
using System.Globalization;
using System.Net;

namespace ActorCausal.Internal;

/// <summary>Reads the string form of a <see cref="DeliveryToken"/> (<c>dt1:view:fingerprint:e0,e1,...:group</c>), saying what is wrong.</summary>
internal static class DeliveryTokenFormat
{
    /// <summary>The most entries a token may have: a view of this many members is far beyond any group's size.</summary>
    public const int MaxEntries = 4096;

    /// <summary>Null when <paramref name="s"/> is a token (the parts set), else the problem in words.</summary>
    public static string? Read(string? s, out string? group, out long viewId, out uint fingerprint, out ImmutableArray<long> entries)
    {
        group = null;
        viewId = 0;
        fingerprint = 0;
        entries = ImmutableArray<long>.Empty;
        if (string.IsNullOrWhiteSpace(s)) return "A delivery token is empty.";
        var parts = s.Trim().Split(':');
        if (parts[0] != DeliveryToken.Prefix) return $"'{Cut(s)}' is not a delivery token: it does not start with '{DeliveryToken.Prefix}:'.";
        if (parts.Length != 5) return $"'{Cut(s)}' is not a delivery token: it has {parts.Length} ':'-separated parts, not 5 ({DeliveryToken.Prefix}:view:fingerprint:entries:group).";
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out viewId))
            return $"The delivery token's view id '{Cut(parts[1])}' is not a non-negative integer.";
        if (parts[2].Length != 8 || !uint.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out fingerprint))
            return $"The delivery token's view fingerprint '{Cut(parts[2])}' is not 8 hex digits.";
        string? decoded;
        try
        {
            decoded = WebUtility.UrlDecode(parts[4]);
        }
        catch (Exception e)
        {
            return $"The delivery token's group '{Cut(parts[4])}' is not URL-encoded: {e.Message}";
        }
        if (string.IsNullOrEmpty(decoded)) return "The delivery token names no group.";
        group = decoded;
        if (viewId == 0)
        {
            if (parts[3].Length != 0 || fingerprint != 0) return "A delivery token of view 0 (nothing delivered) has no entries and fingerprint 00000000.";
            return null;
        }
        var texts = parts[3].Split(',');
        if (parts[3].Length == 0) return $"The delivery token of view {viewId} has no entries.";
        if (texts.Length > MaxEntries) return $"The delivery token has {texts.Length} entries, more than {MaxEntries}.";
        var builder = ImmutableArray.CreateBuilder<long>(texts.Length);
        foreach (var t in texts)
        {
            if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                return $"The delivery token's entry '{Cut(t)}' is not a non-negative integer.";
            builder.Add(e);
        }
        entries = builder.MoveToImmutable();
        return null;
    }

    /// <summary>At most 64 characters of untrusted input, for an error message.</summary>
    private static string Cut(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
