using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>
/// The split-brain resolver's own decisions (Akka.Cluster.SBR: one decision downs the peers first and the deciding node
/// last, each a separate MemberDowned; DownAll when unstable; indirectly connected nodes; a paused node that resumes after
/// the majority moved on; a downed node never told), and the split-view bug they exposed: a driver that treated a peer's
/// MemberDowned as its removal let the losing side flush alone into a private view with the majority's view id.
/// </summary>
public class ResolverDecisionTests
{
    private static readonly SimulationOptions ResolverFaults = new()
    {
        Members = 5,
        Messages = 200,
        Faults = FaultKinds.Pause | FaultKinds.DownAll | FaultKinds.Indirect,
    };

    /// <summary>The Akka runtime before the fix: MemberDowned of a peer fed to the member as its removal.</summary>
    private sealed class DownedAsRemoved(GroupMember member) : GroupMemberAdapter(member)
    {
        public static readonly SimulatedMemberFactory Broken = (self, view, settings) => new DownedAsRemoved(new GroupMember(self, view, settings, 0));
        public static readonly SimulatedJoinerFactory BrokenJoiners = (self, settings, now) => new DownedAsRemoved(GroupMember.Joining(self, settings, now));

        public override void Downed(MemberId m) => Member.Removed(m);
    }

    public static TheoryData<string, ulong> SplitViewSeeds => new()
    {
        // partition [m1, m4] | [m0, m2, m3]; down-all-when-unstable at m1 and m4: each flushed alone into its own view 2
        // (m0 installed view 2 with three members), and m1 delivered 1.4.2 before 1.3.2, which happened-before it; since
        // the flush's orphan rule (issue 13) m1's private flush cuts 1.4.2 instead (m4 is not in that view, 1.3.2 is lost
        // there), so only the split view shows.
        { "a minority that downs all installed private views", 383 },
        // A member paused, resumed after the majority moved on, downed all: its private view reused the majority's message
        // ids. (Seed 977 until total-order retries waited for the decision time observed; 12062, found in 4000..16000,
        // shows it and passes the checks below.)
        { "a paused member that downs all reused the majority's message ids", 12062 },
    };

    [Theory]
    [MemberData(nameof(SplitViewSeeds))]
    public void Before_the_fix_a_peer_downed_first_counted_as_removed_and_the_losing_side_installed_a_view(string what, ulong seed)
    {
        var r = SimulationRunner.Run(ResolverFaults, seed, DownedAsRemoved.Broken, joiners: DownedAsRemoved.BrokenJoiners);
        var split = r.Violations.Where(v => v.Kind == ViolationKind.View && v.Detail.Contains("installed view", StringComparison.Ordinal)).ToList();
        Assert.True(split.Count > 0, $"{what}: the checker no longer sees the split view\n{Describe(r)}");
        if (seed == 383)
            Assert.DoesNotContain(r.Violations, v => v.Kind is ViolationKind.Causal or ViolationKind.Orphan && v.Member == M(1));
        if (seed == 12062)
            Assert.Contains(r.Violations, v => v.Kind == ViolationKind.Creation && v.Detail == "message id sent twice");
    }

    [Theory]
    [MemberData(nameof(SplitViewSeeds))]
    public void Schedule_that_split_the_view_now_keeps_every_invariant(string what, ulong seed)
    {
        var r = SimulationRunner.Run(ResolverFaults, seed);
        Assert.True(!r.HasViolations && r.Quiescent, $"{what}: {Describe(r)}");
        var losers = r.History!.Where(h => h.Events.OfType<StopEvent>().Any(s => s.Reason == StopReason.Downed)).ToList();
        Assert.NotEmpty(losers);
        foreach (var h in losers)
            Assert.True(h.Events.OfType<ViewEvent>().Count() == 1, $"{h.Member} was downed but installed a view after view 1: {string.Join("; ", h.Events.OfType<ViewEvent>())}");
    }

    [Fact]
    public void Three_hundred_schedules_of_resolver_decisions_keep_every_invariant()
    {
        var results = SimulationRunner.RunMany(ResolverFaults with { Loss = 0.03, Duplication = 0.02 }, 20_000, 300);
        var failing = results.Where(r => r.HasViolations || !r.Quiescent).ToList();
        Assert.True(failing.Count == 0, $"{failing.Count} failed; seeds {string.Join(",", failing.Take(20).Select(r => r.Seed))}\n{Describe(failing.FirstOrDefault() ?? results[0])}");
        var f = results.Select(r => r.Faults!).ToList();
        Assert.True(f.Sum(x => x.Pauses) > 50 && f.Sum(x => x.IndirectlyConnected) > 30 && f.Sum(x => x.Partitions) > 30, "too few resolver faults");
    }

    [Theory]
    [InlineData(PauseOutcome.Short)]
    [InlineData(PauseOutcome.KeepMajority)]
    [InlineData(PauseOutcome.DownAll)]
    [InlineData(PauseOutcome.Never)]
    public void A_paused_member_installs_no_view_once_the_majority_moved_on(PauseOutcome outcome)
    {
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var r = SimulationRunner.Run(Options([new PauseFault(300, 1, outcome)]), seed);
            Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
            var paused = r.History!.Single(h => h.Member == M(1)).Events;
            var pauseAt = paused.ToList().FindIndex(e => e is PauseEvent);
            Assert.True(pauseAt >= 0, Describe(r));
            var viewsAfter = paused.Skip(pauseAt).OfType<ViewEvent>().ToList();
            var majority = r.History!.Single(h => h.Member == M(0)).Events.OfType<ViewEvent>().Last();
            if (outcome == PauseOutcome.Short)
            {
                Assert.Contains(M(1), majority.Members);
                continue;
            }
            Assert.DoesNotContain(M(1), majority.Members);
            Assert.True(viewsAfter.Count == 0, $"{outcome}: the paused member installed {string.Join("; ", viewsAfter)}\n{Describe(r)}");
            var stop = paused.OfType<StopEvent>().SingleOrDefault();
            if (outcome == PauseOutcome.Never) Assert.Null(stop);
            else Assert.Equal(StopReason.Downed, stop?.Reason);
        }
    }

    [Fact]
    public void Indirectly_connected_pair_is_downed_and_neither_installs_the_view_without_them()
    {
        foreach (var seed in new ulong[] { 1, 2, 3, 4 })
        {
            var r = SimulationRunner.Run(Options([new IndirectFault(300, 1, 3)]), seed);
            Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
            var final = r.History!.Single(h => h.Member == M(0)).Events.OfType<ViewEvent>().Last();
            Assert.Equal(new[] { M(0), M(2), M(4) }, final.Members.ToArray());
            foreach (var m in new[] { M(1), M(3) })
            {
                var h = r.History!.Single(x => x.Member == m).Events;
                Assert.Equal(StopReason.Downed, h.OfType<StopEvent>().Single().Reason);
                Assert.DoesNotContain(h.OfType<ViewEvent>(), v => v.ViewId == final.ViewId);
            }
        }
    }
}
