using ActorCausal.Protocol;
using Akka.Configuration;

namespace ActorCausal.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void The_embedded_reference_conf_gives_the_protocol_defaults()
    {
        var settings = CausalGroupsSettings.Create(CausalGroups.DefaultConfig().GetConfig("actorcausal"));
        var defaults = new GroupMemberSettings();

        Assert.Equal("actorcausal", settings.GuardianName);
        Assert.Equal(TimeSpan.FromMilliseconds(10), settings.TickInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.FoundingDelay);
        Assert.Equal(defaults, settings.Protocol);
        Assert.True(settings.Batching.Enabled);
        Assert.Equal(256, settings.Batching.MaxMessages);
        Assert.Equal(64 * 1024, settings.Batching.MaxBytes);
        Assert.Equal(TimeSpan.Zero, settings.Batching.Linger);
        Assert.True(settings.MetricsEnabled);
    }

    [Fact]
    public void Overrides_map_to_group_member_settings()
    {
        var config = ConfigurationFactory.ParseString("""
            actorcausal {
              tick-interval = 5ms
              founding-delay = 2s
              protocol {
                total-order = two-step
                max-unstable = 500
                nak-initial-delay = 30ms
                nak-max-delay = 2s
                stability-interval = 100ms
                idle-gossip-interval = 1s
                max-clock-skew = 250ms
              }
              batching { enabled = off, max-messages = 16, max-bytes = 8KiB, linger = 2ms }
              chunking { piece-size = 32KiB, max-message-size = 8MiB, reassembly-timeout = 5s }
              verify-payloads = on
            }
            """).WithFallback(CausalGroups.DefaultConfig());

        var settings = CausalGroupsSettings.Create(config.GetConfig("actorcausal"));

        Assert.Equal(TimeSpan.FromMilliseconds(5), settings.TickInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.FoundingDelay);
        Assert.Equal(TotalOrderMode.TwoStep, settings.Protocol.TotalOrder);
        Assert.Equal(500, settings.Protocol.MaxUnstable);
        Assert.Equal(30, settings.Protocol.NakInitialDelayMs);
        Assert.Equal(2000, settings.Protocol.NakMaxDelayMs);
        Assert.Equal(100, settings.Protocol.StabilityIntervalMs);
        Assert.Equal(1000, settings.Protocol.IdleGossipIntervalMs);
        Assert.Equal(250, settings.Protocol.MaxClockSkewMs);
        Assert.False(settings.Batching.Enabled);
        Assert.Equal(16, settings.Batching.MaxMessages);
        Assert.Equal(8 * 1024, settings.Batching.MaxBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(2), settings.Batching.Linger);
        Assert.Equal(32 * 1024, settings.Chunking.PieceSize);
        Assert.Equal(8L * 1024 * 1024, settings.Chunking.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Chunking.ReassemblyTimeout);
        Assert.True(settings.VerifyPayloads);
    }

    [Theory]
    [InlineData("actorcausal.protocol.total-order = one-step")]
    [InlineData("actorcausal.protocol.max-unstable = 0")]
    [InlineData("actorcausal.protocol { nak-initial-delay = 2s, nak-max-delay = 1s }")]
    [InlineData("actorcausal.tick-interval = 0ms")]
    [InlineData("actorcausal.protocol.safe-ack-delay = -5ms")]
    [InlineData("actorcausal.protocol.safe-quorum = most")]
    [InlineData("actorcausal.batching.max-messages = 0")]
    [InlineData("actorcausal.chunking.piece-size = 100b")]
    [InlineData("actorcausal.chunking { piece-size = 64KiB, max-message-size = 1KiB }")]
    public void Invalid_values_are_refused_with_a_configuration_exception(string hocon)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(CausalGroups.DefaultConfig());
        Assert.Throws<ConfigurationException>(() => CausalGroupsSettings.Create(config.GetConfig("actorcausal")));
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("room/general")]
    [InlineData("émoji ✓")]
    public void Group_names_become_valid_actor_names(string group)
    {
        var name = CausalGroups.ActorNameOf(group);
        Assert.True(Akka.Actor.ActorPath.IsValidPathElement(name));
    }

    [Fact]
    public void An_empty_group_name_is_refused() => Assert.Throws<ArgumentException>(() => CausalGroups.ActorNameOf(" "));
}
