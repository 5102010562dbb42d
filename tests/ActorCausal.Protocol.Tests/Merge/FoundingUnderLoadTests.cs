using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Founding;
using Xunit.Abstractions;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>
/// Founding on a loaded machine (issue 13, item 1): a node that stalls (no tick, nothing read, as a starved process does)
/// while another starts the group. With the founding delay alone, the starting node hears nothing for that long and founds
/// a second group; founding by the cluster's answers waits for the stalled node instead. No loss, no partition: every
/// node can reach every other, so one group must form.
/// </summary>
public class FoundingUnderLoadTests(ITestOutputHelper output)
{
    private static readonly FoundingOptions Loaded = new()
    {
        Nodes = 3, MaxStartSkewMs = 1_500, AnnouncementLoss = 0, MaxAnnouncementDelayMs = 30, StallProbability = 1, MaxStallMs = 1_500, Messages = 20,
    };

    private static readonly IReadOnlyList<ulong> Seeds = Enumerable.Range(1, 100).Select(s => (ulong)s).ToList();

    [Fact]
    public void Founding_on_the_delay_alone_makes_two_groups_when_a_node_stalls()
    {
        var broken = Loaded with { Settings = Loaded.Settings with { Rules = BrokenProtocols.FoundOnTimeout } };
        var results = Seeds.Select(s => FoundingSimulator.Run(broken, s)).ToList();
        var split = results.Where(r => r.Foundings > 1).Select(r => r.Seed).ToList();
        output.WriteLine($"founding on the delay alone: {split.Count} of {results.Count} schedules split at start; first seeds {string.Join(", ", split.Take(5))}");
        Assert.NotEmpty(split);
    }

    [Fact]
    public void Founding_by_the_clusters_answers_forms_one_group_when_a_node_stalls()
    {
        var results = Seeds.Select(s => FoundingSimulator.Run(Loaded, s)).ToList();
        Assert.All(results, r => Assert.True(r.Stable && !r.HasViolations, $"seed {r.Seed}: {string.Join(" | ", r.Violations.Take(3))}"));
        Assert.All(results, r => Assert.True(r.Foundings == 1, $"seed {r.Seed}: {r.Foundings} groups founded"));
    }

    [Fact]
    public void A_joiner_waits_for_every_reachable_up_node_and_founds_once_they_run_no_group()
    {
        var settings = new GroupMemberSettings { JoinRetryIntervalMs = 100, FoundingDelayMs = 400 };
        var joiner = GroupMember.Joining(new("m1", 1), settings, 0);
        joiner.PeerNodeUp("m0", older: true);
        joiner.PeerNodeUp("m2", older: false);
        joiner.NodeUp();
        joiner.Tick(1_000);
        Assert.Equal(MemberPhase.Joining, joiner.Phase);
        Assert.Equal("m0 (no answer yet)", joiner.FoundingWaitsFor);
        joiner.NoGroupOn("m0");
        joiner.Tick(1_100);
        Assert.Equal("m2 (no answer yet)", joiner.FoundingWaitsFor);
        joiner.PeerNodeUnreachable("m2"); // the failure detector: it cannot answer, so founding does not wait for it
        joiner.Tick(1_200);
        Assert.Equal(MemberPhase.Normal, joiner.Phase);
        Assert.Equal(1, joiner.View.Size);
    }

    [Fact]
    public void A_joiner_does_not_found_while_a_member_of_the_group_answered_from_an_up_node()
    {
        var settings = new GroupMemberSettings { JoinRetryIntervalMs = 100, FoundingDelayMs = 400 };
        var joiner = GroupMember.Joining(new("m1", 1), settings, 0);
        joiner.PeerNodeUp("m0", older: true);
        joiner.NodeUp();
        joiner.JoinAcknowledged(new("m0", 1));
        joiner.Tick(5_000); // long after the founding delay: the member there is slow to admit it, not gone
        Assert.Equal(MemberPhase.Joining, joiner.Phase);
        Assert.Equal("m0 (a member runs there)", joiner.FoundingWaitsFor);
        joiner.PeerNodeGone("m0");
        joiner.Tick(5_500);
        Assert.Equal(MemberPhase.Normal, joiner.Phase);
    }
}
