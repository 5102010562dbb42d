using ActorCausal.Internal;
using ActorCausal.Protocol;
using Akka.Configuration;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="GroupProtocolSettings"/>: the runtime's pace reaches the protocol, never below 1 ms, the rest of the protocol's settings as given.</summary>
public sealed class GroupProtocolSettingsTests
{
    private static CausalGroupsSettings Runtime(string hocon) =>
        CausalGroupsSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(CausalGroups.DefaultConfig().GetConfig("actorcausal")));

    [Fact]
    public void The_runtime_pace_and_on_demand_reading_reach_the_protocol()
    {
        var settings = GroupProtocolSettings.For(new GroupMemberSettings { MaxUnstable = 17 },
            Runtime("join-retry-interval = 250ms\nfounding-delay = 3s\nmerge-interval = 40ms"), new JoinOptions { OnDemand = true });

        Assert.Equal((250L, 3000L, 40L, true, 17), (settings.JoinRetryIntervalMs, settings.FoundingDelayMs, settings.MergeIntervalMs, settings.PacedByReader, settings.MaxUnstable));
    }

    [Fact]
    public void A_pace_below_one_millisecond_becomes_one()
    {
        var runtime = Runtime("") with { FoundingDelay = TimeSpan.FromMicroseconds(300) }; // positive, as the settings demand
        var settings = GroupProtocolSettings.For(new GroupMemberSettings(), runtime, new JoinOptions());
        Assert.Equal((1L, false), (settings.FoundingDelayMs, settings.PacedByReader));
    }
}
