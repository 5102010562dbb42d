using System.Reflection;
using ActorCausal.Hosting;
using ActorCausal.Protocol;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorCausal.Tests;

/// <summary>
/// Each setting's default lives in one place, reference.conf: the settings class reads every key it has and writes no
/// default of its own, the hosting options name every key and default none, and the protocol's own defaults
/// (<see cref="GroupMemberSettings"/>, which the simulator runs with) equal reference.conf's for every shared setting.
/// </summary>
public sealed class SettingsSourceTests
{
    private static Config Reference() => CausalGroups.DefaultConfig().GetConfig("actorcausal");

    /// <summary>The leaf keys of reference.conf's actorcausal section, as paths below it.</summary>
    private static List<string> ReferenceKeys()
    {
        var keys = new List<string>();
        void Walk(HoconObject node, string prefix)
        {
            foreach (var (name, value) in node.Items)
            {
                if (value.IsObject()) Walk(value.GetObject(), prefix + name + ".");
                else keys.Add(prefix + name);
            }
        }
        Walk(Reference().Root.GetObject(), "");
        return keys;
    }

    [Fact]
    public void The_reference_section_has_the_keys_it_is_known_to_have()
    {
        var keys = ReferenceKeys();
        Assert.Contains("tick-interval", keys);
        Assert.Contains("protocol.safe-ack-delay", keys);
        Assert.Contains("chunking.reassembly-timeout", keys);
        Assert.True(keys.Count >= 30, $"only {keys.Count} keys found: {string.Join(", ", keys)}");
    }

    [Fact]
    public void Every_key_of_reference_conf_is_read_by_the_settings_and_nothing_else_is()
    {
        var reader = new SettingsReader(Reference());
        CausalGroupsSettings.Read(reader);
        Assert.Equal(ReferenceKeys().Order(), reader.KeysRead.Order());
    }

    [Fact]
    public void A_missing_key_is_a_configuration_error_naming_it()
    {
        var section = ConfigurationFactory.ParseString("tick-interval = 10ms");
        var e = Assert.Throws<ConfigurationException>(() => CausalGroupsSettings.Read(new SettingsReader(section)));
        Assert.Contains("actorcausal.guardian-name is missing", e.Message);

        // A key set to null over the reference value: refused, named, not a crash inside Akka's HOCON reader.
        var nullLinger = ConfigurationFactory.ParseString("batching.linger = null").WithFallback(Reference());
        e = Assert.Throws<ConfigurationException>(() => CausalGroupsSettings.Read(new SettingsReader(nullLinger)));
        Assert.Contains("actorcausal.batching.linger", e.Message);
    }

    [Theory]
    [InlineData("batching.linger = soon", "actorcausal.batching.linger")]
    [InlineData("protocol.max-unstable = many", "actorcausal.protocol.max-unstable")]
    [InlineData("metrics.enabled = maybe", "actorcausal.metrics.enabled")]
    [InlineData("chunking.piece-size = big", "actorcausal.chunking.piece-size")]
    public void An_unreadable_value_is_a_configuration_error_naming_its_key(string hocon, string key)
    {
        var e = Assert.Throws<ConfigurationException>(() => CausalGroupsSettings.Create(ConfigurationFactory.ParseString(hocon)));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void A_section_that_sets_one_key_gets_every_other_from_reference_conf()
    {
        var partial = CausalGroupsSettings.Create(ConfigurationFactory.ParseString("tick-interval = 7ms"));
        var reference = CausalGroupsSettings.Create(Reference());
        Assert.Equal(TimeSpan.FromMilliseconds(7), partial.TickInterval);
        Assert.Equal(reference with { TickInterval = partial.TickInterval }, partial);
    }

    /// <summary>Each <see cref="GroupMemberSettings"/> property and the reference.conf key whose default it must equal.</summary>
    private static readonly Dictionary<string, string> ProtocolKeys = new()
    {
        [nameof(GroupMemberSettings.TotalOrder)] = "protocol.total-order",
        [nameof(GroupMemberSettings.MaxUnstable)] = "protocol.max-unstable",
        [nameof(GroupMemberSettings.ReceiveWindow)] = "protocol.receive-window",
        [nameof(GroupMemberSettings.NakInitialDelayMs)] = "protocol.nak-initial-delay",
        [nameof(GroupMemberSettings.NakMaxDelayMs)] = "protocol.nak-max-delay",
        [nameof(GroupMemberSettings.TotalRetryDelayMs)] = "protocol.total-retry-delay",
        [nameof(GroupMemberSettings.StabilityIntervalMs)] = "protocol.stability-interval",
        [nameof(GroupMemberSettings.IdleGossipIntervalMs)] = "protocol.idle-gossip-interval",
        [nameof(GroupMemberSettings.MaxClockSkewMs)] = "protocol.max-clock-skew",
        [nameof(GroupMemberSettings.DependencyIndexCapacity)] = "protocol.dependency-index-capacity",
        [nameof(GroupMemberSettings.SafeAckDelayMs)] = "protocol.safe-ack-delay",
        [nameof(GroupMemberSettings.SafeQuorum)] = "protocol.safe-quorum",
        // Runtime-level keys the group actor copies into the protocol's settings (GroupActor's constructor).
        [nameof(GroupMemberSettings.JoinRetryIntervalMs)] = "join-retry-interval",
        [nameof(GroupMemberSettings.FoundingDelayMs)] = "founding-delay",
        [nameof(GroupMemberSettings.MergeIntervalMs)] = "merge-interval",
    };

    /// <summary>Set per join, not configured: <c>PacedByReader</c> comes from the join's on-demand option.</summary>
    private static readonly string[] NotConfigured = [nameof(GroupMemberSettings.PacedByReader), "EqualityContract"];

    [Fact]
    public void Every_protocol_default_equals_reference_conf()
    {
        var defaults = new GroupMemberSettings();
        var reference = Reference();
        var properties = typeof(GroupMemberSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => !NotConfigured.Contains(p.Name)).ToList();
        Assert.Equal(ProtocolKeys.Keys.Order(), properties.Select(p => p.Name).Order());
        foreach (var property in properties)
        {
            var key = ProtocolKeys[property.Name];
            object expected = property.PropertyType == typeof(TotalOrderMode)
                ? reference.GetString(key) == "two-step" ? TotalOrderMode.TwoStep : TotalOrderMode.ThreeStep
                : property.PropertyType == typeof(SafeQuorum)
                ? reference.GetString(key) == "majority" ? SafeQuorum.Majority : SafeQuorum.All
                : property.Name.EndsWith("Ms", StringComparison.Ordinal)
                    ? (long)reference.GetTimeSpan(key).TotalMilliseconds
                    : Convert.ChangeType(reference.GetLong(key), property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Equals(expected, property.GetValue(defaults)), $"GroupMemberSettings.{property.Name} = {property.GetValue(defaults)}, reference.conf {key} = {expected}");
        }
    }

    [Fact]
    public void The_hosting_options_name_every_key_of_reference_conf_and_default_none()
    {
        var options = new CausalGroupsOptions();
        var entries = (IEnumerable<(string Path, object? Value)>)typeof(CausalGroupsOptions)
            .GetMethod("Entries", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(options, null)!;
        var list = entries.ToList();
        Assert.Equal(ReferenceKeys().Order(), list.Select(e => e.Path).Order());
        Assert.All(list, e => Assert.Null(e.Value));
        Assert.True(options.ToHocon().IsEmpty);
    }
}
