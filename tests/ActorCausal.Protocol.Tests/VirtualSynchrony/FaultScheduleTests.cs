using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Random fault plans over many schedules (what <c>sim --faults all</c> runs), and broken protocol variants the checker must catch.</summary>
public class FaultScheduleTests
{
    private static readonly SimulationOptions AllFaults = new()
    {
        Members = 5,
        Messages = 200,
        Faults = FaultKinds.All,
        UniformTotalOrder = false,
        QuiescenceTimeoutMs = 20_000,
    };

    private static List<ScheduleResult> RunMany(SimulationOptions options, int schedules, ulong firstSeed = 1) =>
        SimulationRunner.RunMany(options, firstSeed, schedules).ToList();

    [Fact]
    public void Six_hundred_schedules_with_every_kind_of_fault_on_lossy_links_keep_every_invariant_and_settle_in_one_view()
    {
        // The schedules that start by founding run in FoundingInFaultSchedulesTests: on lossy links some take longer than
        // this test's 20 s to settle (docs/protocol.md, "One simulator"), so these stay the schedules from one founded view.
        var results = RunMany(AllFaults with { Loss = 0.05, Duplication = 0.02, Faults = FaultKinds.All & ~FaultKinds.Founding }, 600);
        var failing = results.Where(r => r.HasViolations || !r.Quiescent).ToList();
        Assert.True(failing.Count == 0,
            $"{failing.Count} of {results.Count} schedules failed; seeds {string.Join(",", failing.Take(20).Select(r => r.Seed))}\n{Describe(failing.FirstOrDefault() ?? results[0])}");

        // The plans really exercised the oracle.
        var f = results.Select(r => r.Faults!).ToList();
        Assert.True(f.Sum(x => x.Crashes) > 100 && f.Sum(x => x.Joins) > 50 && f.Sum(x => x.Restarts) > 50 && f.Sum(x => x.Leaves) > 50, "too few faults");
        Assert.True(f.Sum(x => x.Partitions) > 50 && f.Sum(x => x.FalseSuspicions) > 50 && f.Sum(x => x.HeldBroadcasts) > 100 && f.Sum(x => x.SnapshotsLoaded) > 50, "too few faults");
        Assert.True(f.Sum(x => x.SkippedSteps) < results.Count / 5, $"{f.Sum(x => x.SkippedSteps)} fault steps were skipped");
    }

    [Theory]
    [InlineData(FaultKinds.Crash)]
    [InlineData(FaultKinds.Join)]
    [InlineData(FaultKinds.Leave)]
    [InlineData(FaultKinds.Suspect)]
    [InlineData(FaultKinds.Partition)]
    [InlineData(FaultKinds.Restart)]
    [InlineData(FaultKinds.Pause)]
    [InlineData(FaultKinds.DownAll)]
    [InlineData(FaultKinds.Indirect)]
    [InlineData(FaultKinds.Rejoin)]
    public void Each_kind_of_fault_alone_on_lossy_links_keeps_every_invariant(FaultKinds kind)
    {
        var options = AllFaults with { Faults = kind, Loss = 0.03, Duplication = 0.02, Members = kind is FaultKinds.Partition or FaultKinds.DownAll ? 3 : 5 };
        var results = RunMany(options, 60, firstSeed: 5_000);
        var failing = results.Where(r => r.HasViolations || !r.Quiescent).ToList();
        Assert.True(failing.Count == 0, $"{failing.Count} of {results.Count} failed; seeds {string.Join(",", failing.Take(20).Select(r => r.Seed))}\n{Describe(failing.FirstOrDefault() ?? results[0])}");
    }

    [Fact]
    public void Same_seed_with_faults_gives_the_same_run()
    {
        var first = SimulationRunner.Run(AllFaults, 77);
        var second = SimulationRunner.Run(AllFaults, 77);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(first.Faults!.Log.ToArray(), second.Faults!.Log.ToArray());
        Assert.Equal(
            first.History!.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}")),
            second.History!.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}")));
        Assert.NotEqual(first.TraceHash, SimulationRunner.Run(AllFaults, 78).TraceHash);
    }

    [Fact]
    public void Skipping_the_flush_is_caught_by_the_checker()
    {
        // The coordinator installs the next view from its own state alone: messages only others hold are lost or
        // delivered by some survivors and not others.
        var options = Options([new CrashFault(300, 1) { PartialReceipt = true, Receivers = [3] }, new CrashFault(900, 4) { PartialReceipt = true, Receivers = [2] }]) with
        {
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.SkipFlush },
        };
        var results = Enumerable.Range(1, 12).Select(s => SimulationRunner.Run(options, (ulong)s)).ToList();
        var caught = results.Where(r => r.Violations.Any(v => v.Kind is ViolationKind.VirtualSynchrony or ViolationKind.Validity or ViolationKind.Snapshot
            or ViolationKind.Causal or ViolationKind.Fifo or ViolationKind.Total or ViolationKind.Crash or ViolationKind.Quiescence)).ToList();
        Assert.True(caught.Count >= 6, $"only {caught.Count} of {results.Count} runs caught");
        // Not only as a protocol crash: the history checker itself sees the broken agreement.
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind is ViolationKind.VirtualSynchrony or ViolationKind.Validity or ViolationKind.Causal or ViolationKind.Fifo));
    }

    [Fact]
    public void Installing_views_without_agreement_is_caught_by_the_checker()
    {
        // Every member installs the next view on its own when it learns of a removal or join: members disagree on the
        // view contents and on the old view's messages.
        var options = AllFaults with
        {
            Faults = FaultKinds.Crash | FaultKinds.Join | FaultKinds.Restart,
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.InstallWithoutAgreement },
        };
        var results = RunMany(options, 40);
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.View));
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind is ViolationKind.VirtualSynchrony or ViolationKind.Validity));
        Assert.True(results.Count(r => r.HasViolations) >= results.Count / 2, $"only {results.Count(r => r.HasViolations)} of {results.Count} runs caught");
    }

    [Fact]
    public void Without_faults_the_oracle_stays_off_and_runs_record_no_views()
    {
        var r = SimulationRunner.Run(new SimulationOptions { Messages = 50 }, 3);
        Assert.Null(r.Faults);
        Assert.DoesNotContain(r.History!.SelectMany(h => h.Events), e => e is not MessageEvent);
    }
}
