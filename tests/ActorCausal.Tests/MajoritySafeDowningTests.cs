using ActorCausal.Internal;
using Akka.Configuration;

namespace ActorCausal.Tests;

/// <summary>Majority-safe delivery is uniform only under a downing that keeps at most one side of at least half (docs/protocol.md, Majority-safe).</summary>
public sealed class MajoritySafeDowningTests
{
    private static Config WithAkkaDefaults(string hocon) =>
        ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.FromResource<Akka.Cluster.Cluster>("Akka.Cluster.Configuration.Cluster.conf"));

    [Theory]
    [InlineData("")] // Akka 1.5's default: the split-brain resolver with keep-majority
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = lease-majority")]
    public void Keep_majority_and_lease_majority_are_accepted(string hocon) =>
        Assert.Null(MajoritySafeDowning.Problem(WithAkkaDefaults(hocon)));

    [Theory]
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = keep-oldest", "keep-oldest")]
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = static-quorum", "static-quorum")]
    [InlineData("akka.cluster.split-brain-resolver.active-strategy = keep-referee", "keep-referee")]
    [InlineData("akka.cluster.downing-provider-class = \"\"", "downing-provider-class")]
    public void Other_downing_is_named_in_the_warning(string hocon, string named)
    {
        var problem = MajoritySafeDowning.Problem(WithAkkaDefaults(hocon));
        Assert.NotNull(problem);
        Assert.Contains(named, problem);
        Assert.Contains("safe-quorum = majority", MajoritySafeDowning.Warning("g", problem));
    }
}
