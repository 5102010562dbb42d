using ActorCausal.Protocol;

namespace ActorCausal.Internal;

/// <summary>The protocol's settings for one group: the runtime's join, founding and merge pace (at least 1 ms each), and reader pacing for an on-demand subscriber.</summary>
internal static class GroupProtocolSettings
{
    public static GroupMemberSettings For(GroupMemberSettings protocol, CausalGroupsSettings runtime, JoinOptions options) => protocol with
    {
        JoinRetryIntervalMs = Math.Max(1, (long)runtime.JoinRetryInterval.TotalMilliseconds),
        FoundingDelayMs = Math.Max(1, (long)runtime.FoundingDelay.TotalMilliseconds),
        MergeIntervalMs = Math.Max(1, (long)runtime.MergeInterval.TotalMilliseconds),
        PacedByReader = options.OnDemand,
    };
}
