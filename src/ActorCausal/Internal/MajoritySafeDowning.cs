using Akka.Configuration;

namespace ActorCausal.Internal;

/// <summary>
/// Whether the node's downing keeps majority-safe delivery (<c>actorcausal.protocol.safe-quorum = majority</c>) uniform.
/// A member delivers such a message once a strict majority of its view stores it; every member of the next view delivers
/// it only if the flush that installs that view has a participant from that majority, which holds when at least half of
/// the view goes on. Akka's keep-majority and lease-majority resolvers keep only such a side (when the group runs on the
/// nodes they count); keep-oldest, keep-referee, static-quorum with a small quorum, or no resolver can keep fewer.
/// See docs/protocol.md, "Majority-safe".
/// </summary>
internal static class MajoritySafeDowning
{
    /// <summary>Null when the downing configured in <paramref name="config"/> (the whole system config) keeps at most one side of at least half; else why not.</summary>
    public static string? Problem(Config config)
    {
        var provider = config.GetString("akka.cluster.downing-provider-class", "") ?? "";
        if (!provider.Contains("SplitBrainResolver", StringComparison.Ordinal))
            return $"akka.cluster.downing-provider-class is '{provider}', not Akka's split-brain resolver";
        var strategy = config.GetString("akka.cluster.split-brain-resolver.active-strategy", "") ?? "";
        return strategy is "keep-majority" or "lease-majority"
            ? null
            : $"akka.cluster.split-brain-resolver.active-strategy is '{strategy}', not keep-majority or lease-majority";
    }

    /// <summary>The warning logged when a group joins with majority-safe delivery under such a downing.</summary>
    public static string Warning(string group, string problem) =>
        $"Group '{group}' uses safe-quorum = majority, but {problem}: a side with fewer than half of a view may go on, and " +
        "then a safe message delivered by the other side's members may be delivered by none of them (not uniform). " +
        "Use keep-majority or lease-majority, or safe-quorum = all.";
}
