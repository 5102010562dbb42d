using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Founding;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>
/// Concurrent founders through the real protocol (FoundingSimulator): lost and delayed announcements, a start-up partition
/// that heals, and the merge that follows. Every run is checked for the usual invariants per group, one view per group name
/// once stable, one set of deliveries on the side that closes its view, and applications that saw both sides. Seeded.
/// </summary>
public class MergeSimulationTests
{
    private static string Failures(IEnumerable<FoundingResult> results) =>
        string.Join("\n", results.Where(r => r.HasViolations).Take(5).Select(r =>
            $"seed {r.Seed}: {string.Join(" | ", r.Violations.Take(3))}\n    {string.Join("\n    ", r.FinalStates)}"));

    [Fact]
    public void Two_founders_that_never_heard_each_other_merge_into_one_view_holding_both()
    {
        // Unreachable to each other (a start-up partition the failure detector sees) as well as deaf: each founds alone.
        var options = new FoundingOptions { Nodes = 2, MaxStartSkewMs = 100, AnnouncementLoss = 1.0, StartupPartition = true, Messages = 20 };
        var results = Enumerable.Range(1, 20).Select(s => FoundingSimulator.Run(options, (ulong)s)).ToList();
        Assert.True(results.All(r => !r.HasViolations), Failures(results));
        Assert.All(results, r =>
        {
            Assert.True(r.Stable);
            Assert.Equal(2, r.Foundings);
            Assert.Equal(1, r.MergedMembers);
        });
    }

    [Fact]
    public void A_startup_partition_that_heals_ends_in_one_view_holding_every_node()
    {
        var options = new FoundingOptions { Nodes = 5, StartupPartition = true, MaxStartSkewMs = 500 };
        var results = Enumerable.Range(1, 60).Select(s => FoundingSimulator.Run(options, (ulong)s)).ToList();
        Assert.True(results.All(r => !r.HasViolations), Failures(results));
        Assert.All(results, r => Assert.True(r.Stable));
        // The partition really split the founders: most runs founded on both sides and merged.
        Assert.True(results.Count(r => r.Foundings >= 2 && r.MergedMembers >= 1) > 40, $"{results.Count(r => r.MergedMembers >= 1)} runs merged");
    }

    [Fact]
    public void Concurrent_founders_with_lost_and_delayed_announcements_end_in_one_view_per_group_name()
    {
        var results = Enumerable.Range(1, 500).Select(s => FoundingSimulator.Run(FoundingOptions.ForSeed((ulong)s), (ulong)s)).ToList();
        Assert.True(results.All(r => !r.HasViolations), Failures(results));
        Assert.True(results.Count(r => r.MergedMembers > 0) > 200, $"only {results.Count(r => r.MergedMembers > 0)} of 500 runs needed a merge");
    }

    [Fact]
    public void The_members_of_the_losing_side_deliver_the_same_set_of_its_last_view_before_they_rejoin()
    {
        var options = new FoundingOptions { Nodes = 5, StartupPartition = true, MaxStartSkewMs = 200, Messages = 80, WorkloadMs = 3_000, Loss = 0.02 };
        var results = Enumerable.Range(1, 40).Select(s => FoundingSimulator.Run(options, (ulong)s)).ToList();
        Assert.True(results.All(r => !r.HasViolations), Failures(results));
        // Sides of several members closed their view with messages in it, so the agreement was put to the test.
        var closings = results.SelectMany(r => r.Histories)
            .Where(h => h.Events.OfType<StopEvent>().Any(s => s.Reason == StopReason.Merged))
            .GroupBy(h => h.Events.OfType<ViewEvent>().Last().ViewId)
            .Where(g => g.Count() >= 2 && g.Any(h => h.Events.OfType<DeliverEvent>().Any(d => d.Id.ViewId == g.Key)))
            .Count();
        Assert.True(closings >= 5, $"only {closings} closing views of two or more members with deliveries");
    }

    [Fact]
    public void Every_live_application_holds_what_either_side_delivered_after_the_merge()
    {
        var options = new FoundingOptions { Nodes = 4, StartupPartition = true, HealMinMs = 2_000, HealMaxMs = 3_000, Messages = 60, WorkloadMs = 2_500 };
        var results = Enumerable.Range(1, 40).Select(s => FoundingSimulator.Run(options, (ulong)s)).ToList();
        Assert.True(results.All(r => !r.HasViolations), Failures(results));
        foreach (var r in results.Where(r => r.MergedMembers > 0))
        {
            var delivered = r.Applications.SelectMany(a => a.Delivered).ToHashSet();
            // Messages of at least two groups were delivered (the ids name the group of origin), and every application holds all.
            Assert.True(delivered.Select(id => id.Split('/')[0]).Distinct().Count() >= 2, $"seed {r.Seed}: one group's messages only");
            Assert.All(r.Applications, a => Assert.Superset(delivered, a.State.ToHashSet()));
        }
        Assert.True(results.Count(r => r.MergedMembers > 0) > 25);
    }

    [Fact]
    public void Without_merge_probes_the_split_stays_and_the_checker_reports_two_views_of_one_name()
    {
        var settings = new FoundingOptions().Settings with { MergeIntervalMs = 1_000_000_000 };
        // Two nodes that cannot reach each other at start-up (a partition the failure detector sees) each found.
        var options = new FoundingOptions { Nodes = 2, AnnouncementLoss = 1.0, StartupPartition = true, MaxStartSkewMs = 100, Settings = settings, HorizonMs = 10_000 };
        var r = FoundingSimulator.Run(options, 3);
        Assert.Equal(2, r.Foundings);
        var split = OneViewPerNameChecker.Check(r.Histories);
        Assert.Contains(split, v => v.Kind == ViolationKind.OneViewPerName);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        var options = FoundingOptions.ForSeed(17);
        var a = FoundingSimulator.Run(options, 17);
        var b = FoundingSimulator.Run(options, 17);
        Assert.Equal(a.EndTimeMs, b.EndTimeMs);
        Assert.Equal(string.Join("\n", a.Histories.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}"))),
            string.Join("\n", b.Histories.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}"))));
    }
}
