using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using ActorCausal.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal;

/// <summary>
/// A position in one group's delivery history, as MongoDB's causally consistent sessions carry an operation time: the
/// view it was taken in and, for each member of that view (by rank), how many of its messages were delivered. Taken
/// from <see cref="CausalGroup.DeliveredToken"/> (what this member has delivered) or <see cref="BroadcastReply.Token"/>
/// (a broadcast and everything its sender had delivered before it); handed to
/// <see cref="CausalGroup.WaitForDelivered"/> on any member of the group to wait until that member has delivered as
/// much. <see cref="ToString"/> writes a compact, header-safe string and <see cref="Parse(string)"/> reads it back, so a
/// token can travel in an HTTP header between a client and the nodes it talks to.
/// </summary>
/// <remarks>
/// Virtual synchrony gives a token of an earlier view its meaning on a member already in a later view: every message of
/// that view that will ever be delivered there was delivered before the next view was installed (or, for a member that
/// joined later, is in the snapshot it loaded), so such a token is passed (<see cref="DeliveryWaitOutcome.ViewPassed"/>).
/// A non-safe message whose sender failed before anyone else received it may be in no survivor's history; only safe
/// delivery (<see cref="Protocol.DeliveryOrder"/> safe orders) makes a delivered message every survivor's.
/// A token carries a fingerprint of its view's membership, so a token of another lineage of the group (the group was
/// refounded, or two groups of the name formed apart and merged) that happens to carry the same view id is refused as
/// <see cref="DeliveryWaitOutcome.ViewMismatch"/> instead of being compared entry by entry.
/// </remarks>
public readonly struct DeliveryToken : IEquatable<DeliveryToken>, IParsable<DeliveryToken>
{
    /// <summary>The prefix of the string form, naming its version.</summary>
    public const string Prefix = "dt1";

    private readonly ImmutableArray<long> _delivered;
    private readonly string? _group;

    private DeliveryToken(string group, long viewId, uint viewFingerprint, ImmutableArray<long> delivered)
    {
        _group = group;
        ViewId = viewId;
        ViewFingerprint = viewFingerprint;
        _delivered = delivered;
    }

    /// <summary>The group the token belongs to; empty only for <c>default(DeliveryToken)</c>, which is no token.</summary>
    public string Group => _group ?? string.Empty;

    /// <summary>The view the position was taken in; 0 for a member not yet admitted (a token of nothing, passed everywhere in its group).</summary>
    public long ViewId { get; }

    /// <summary>A hash of the view's members in rank order (FNV-1a over addresses and incarnations); 0 for view 0.</summary>
    public uint ViewFingerprint { get; }

    /// <summary>Entry k: how many messages of the member of rank k in the view were delivered (its per-view sequence numbers are 1, 2, ...).</summary>
    public ImmutableArray<long> Delivered => _delivered.IsDefault ? ImmutableArray<long>.Empty : _delivered;

    /// <summary>True for <c>default(DeliveryToken)</c>, which names no group and is refused by every call that takes a token.</summary>
    public bool IsDefault => _group is null;

    /// <summary>
    /// The position <paramref name="delivered"/> (entry k for the member of rank k) in <paramref name="view"/> of
    /// <paramref name="group"/>. Throws when the entries do not match the view's size or one is negative.
    /// </summary>
    public static DeliveryToken Of(string group, GroupView view, IEnumerable<long> delivered)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(delivered);
        var entries = delivered.ToImmutableArray();
        if (view.Id == 0) return Nothing(group);
        if (entries.Length != view.Size)
            throw new ArgumentException($"A token of {view} has {view.Size} entries, not {entries.Length}.", nameof(delivered));
        if (entries.Any(e => e < 0)) throw new ArgumentException("Delivered counts are never negative.", nameof(delivered));
        return new DeliveryToken(group, view.Id, FingerprintOf(view), entries);
    }

    /// <summary>A token from its parts, the fingerprint already computed (the group actor caches it per view).</summary>
    internal static DeliveryToken Create(string group, long viewId, uint fingerprint, ImmutableArray<long> delivered) =>
        new(group, viewId, fingerprint, delivered);

    /// <summary>The token of nothing delivered in <paramref name="group"/> (view 0): every member of the group has passed it.</summary>
    public static DeliveryToken Nothing(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        return new DeliveryToken(group, 0, 0, ImmutableArray<long>.Empty);
    }

    /// <summary>The fingerprint of <paramref name="view"/>'s membership that tokens of that view carry.</summary>
    public static uint FingerprintOf(GroupView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var hash = 2166136261u;
        foreach (var m in view.Members)
        {
            foreach (var b in Encoding.UTF8.GetBytes($"{m.Address}#{m.Incarnation};")) hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }

    /// <summary>
    /// The later of two tokens of one group, for a client that carries one token across several nodes: of one view, the
    /// entry-wise maximum; of different views, the one of the later view (whoever passes it has passed the earlier).
    /// Throws for tokens of different groups, or of one view id with different memberships.
    /// </summary>
    public static DeliveryToken Merge(DeliveryToken a, DeliveryToken b)
    {
        if (a.IsDefault || b.IsDefault) throw new ArgumentException("default(DeliveryToken) is no token.");
        if (!string.Equals(a.Group, b.Group, StringComparison.Ordinal))
            throw new ArgumentException($"Tokens of different groups ('{a.Group}', '{b.Group}') cannot be merged.");
        if (a.ViewId != b.ViewId) return a.ViewId > b.ViewId ? a : b;
        if (a.ViewFingerprint != b.ViewFingerprint || a.Delivered.Length != b.Delivered.Length)
            throw new ArgumentException($"Tokens of view {a.ViewId} with different memberships ({a.ViewFingerprint:x8}, {b.ViewFingerprint:x8}) cannot be merged.");
        var max = a.Delivered.Zip(b.Delivered, Math.Max).ToImmutableArray();
        return new DeliveryToken(a.Group, a.ViewId, a.ViewFingerprint, max);
    }

    /// <summary>
    /// The compact form <c>dt1:view:fingerprint:e0,e1,...:group</c> (fingerprint in hex, the group URL-encoded), made of
    /// characters allowed in an HTTP header value. Empty for <c>default(DeliveryToken)</c>.
    /// </summary>
    public override string ToString() => IsDefault
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}:{ViewId}:{ViewFingerprint:x8}:{string.Join(',', Delivered)}:{WebUtility.UrlEncode(Group)}");

    /// <summary>Reads the form <see cref="ToString"/> writes; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static DeliveryToken Parse(string s) => TryParse(s, out var token, out var error) ? token : throw new FormatException(error);

    /// <inheritdoc cref="Parse(string)"/>
    public static DeliveryToken Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <summary>Reads the form <see cref="ToString"/> writes; false (and <c>default</c>) for anything else.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out DeliveryToken result) => TryParse(s, out result, out _);

    /// <inheritdoc cref="TryParse(string?, out DeliveryToken)"/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out DeliveryToken result) => TryParse(s, out result, out _);

    /// <summary>Reads the form <see cref="ToString"/> writes; false with <paramref name="error"/> saying what is wrong.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out DeliveryToken result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        error = DeliveryTokenFormat.Read(s, out var group, out var viewId, out var fingerprint, out var entries);
        if (error is not null) return false;
        result = new DeliveryToken(group!, viewId, fingerprint, entries);
        return true;
    }

    /// <summary>Same group, view, fingerprint and entries.</summary>
    public bool Equals(DeliveryToken other) =>
        string.Equals(Group, other.Group, StringComparison.Ordinal) && ViewId == other.ViewId
        && ViewFingerprint == other.ViewFingerprint && Delivered.SequenceEqual(other.Delivered);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DeliveryToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Group, ViewId, ViewFingerprint, Delivered.Length);

    /// <summary>Whether the two tokens are equal.</summary>
    public static bool operator ==(DeliveryToken left, DeliveryToken right) => left.Equals(right);

    /// <summary>Whether the two tokens differ.</summary>
    public static bool operator !=(DeliveryToken left, DeliveryToken right) => !left.Equals(right);
}
