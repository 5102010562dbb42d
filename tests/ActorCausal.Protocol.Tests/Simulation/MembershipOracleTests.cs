using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>
/// The membership oracle on its own, driven with toy members that have no membership protocol: they record which
/// membership inputs arrive when, so the tests can check that the oracle behaves as Akka.Cluster does.
/// </summary>
public class MembershipOracleTests
{
    private sealed record Input(long TimeMs, MemberId At, string Kind, MemberId Subject);

    /// <summary>A toy FIFO member that also records the membership inputs it gets (with the time of its last tick).</summary>
    private sealed class RecordingMember(ISimulatedMember inner, MemberId self, List<Input> log, List<(MemberId, long)> receipts) : ISimulatedMember
    {
        private long _now;
        public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn) => inner.Broadcast(payload, order, dependsOn);
        public void Receive(MemberId from, ProtocolMessage message)
        {
            receipts.Add((self, _now));
            inner.Receive(from, message);
        }
        public void Tick(long nowMs)
        {
            _now = nowMs;
            inner.Tick(nowMs);
        }
        public int DrainEffects(List<Effect> destination) => inner.DrainEffects(destination);
        public int BufferedMessages => inner.BufferedMessages;
        public void Suspected(MemberId m) => log.Add(new Input(_now, self, "Suspected", m));
        public void Reachable(MemberId m) => log.Add(new Input(_now, self, "Reachable", m));
        public void Removed(MemberId m) => log.Add(new Input(_now, self, "Removed", m));
        public void Downed(MemberId m) => log.Add(new Input(_now, self, "Downed", m));
        public void JoinRequested(MemberId m) => log.Add(new Input(_now, self, "JoinRequested", m));
        public void Leave() => log.Add(new Input(_now, self, "Leave", self));
        public void DownedSelf() => log.Add(new Input(_now, self, "DownedSelf", self));
    }

    private static (ScheduleResult Result, List<Input> Log, List<(MemberId At, long Time)> Receipts) Run(SimulationOptions options, ulong seed)
    {
        var log = new List<Input>();
        var receipts = new List<(MemberId, long)>();
        SimulatedMemberFactory members = (self, view, settings) => new RecordingMember(ToyMember.Factory(ToyDelivery.Fifo)(self, view, settings), self, log, receipts);
        SimulatedJoinerFactory joiners = (self, settings, now) =>
            new RecordingMember(ToyMember.Factory(ToyDelivery.Fifo)(self, new GroupView(1, [self]), settings), self, log, receipts);
        var result = SimulationRunner.Run(options with { TickIntervalMs = 1, QuiescenceTimeoutMs = 3_000 }, seed, members, keepHistory: true, joiners: joiners);
        return (result, log, receipts);
    }

    private static readonly SimulationOptions Base = new() { Members = 5, Messages = 60 };
    private static readonly MemberId M0 = new("m0", 1), M1 = new("m1", 1), M2 = new("m2", 1), M3 = new("m3", 1), M4 = new("m4", 1);

    [Fact]
    public void A_crash_is_suspected_by_every_live_member_after_a_detection_delay_then_downed_after_the_stable_after_then_removed()
    {
        var timing = new FaultTiming();
        for (ulong seed = 1; seed <= 10; seed++)
        {
            var (r, log, receipts) = Run(Base with { FaultScript = [new CrashFault(200, 2)] }, seed);
            var crash = Assert.Single(r.Faults!.Events.OfType<MemberCrashed>());
            Assert.Equal((M2, CrashCause.Crash), (crash.Member, crash.Cause));
            Assert.IsType<CrashEvent>(r.History!.Single(h => h.Member == M2).Events[^1]);
            Assert.DoesNotContain(log, i => i.At == M2);
            Assert.DoesNotContain(receipts, x => x.At == M2 && x.Time > 200);

            foreach (var observer in new[] { M0, M1, M3, M4 })
            {
                var suspected = Assert.Single(log, i => i.At == observer && i.Kind == "Suspected");
                var downed = Assert.Single(log, i => i.At == observer && i.Kind == "Downed");
                var removed = Assert.Single(log, i => i.At == observer && i.Kind == "Removed");
                Assert.Equal(M2, suspected.Subject);
                Assert.Equal(M2, downed.Subject);
                Assert.Equal(M2, removed.Subject);
                Assert.InRange(suspected.TimeMs, 200 + timing.DetectionMinMs - 1, 200 + timing.DetectionMaxMs);
                Assert.InRange(downed.TimeMs - suspected.TimeMs, timing.StableAfterMinMs - 1, timing.DetectionMaxMs + timing.StableAfterMaxMs + timing.SpreadMs + 1);
                // The leader removes a downed node once its side converged: Downed always comes first.
                Assert.InRange(removed.TimeMs - downed.TimeMs, timing.ConvergenceMinMs - 1, timing.ConvergenceMaxMs + 1);
            }
            var downings = log.Where(i => i.Kind == "Downed").Select(i => i.TimeMs).ToList();
            Assert.InRange(downings.Max() - downings.Min(), 0, timing.SpreadMs + 1);
        }
    }

    [Fact]
    public void A_false_suspicion_heals_without_removal()
    {
        var (r, log, _) = Run(Base with { FaultScript = [new FalseSuspicionFault(200, 1) { Observers = [0, 3] }] }, 3);
        Assert.Equal(1, r.Faults!.FalseSuspicions);
        Assert.Equal([M0, M3], log.Where(i => i.Kind == "Suspected").Select(i => i.At).Order(Comparer<MemberId>.Create((a, b) => string.CompareOrdinal(a.Address, b.Address))).ToArray());
        Assert.All(log.Where(i => i.Kind == "Suspected"), s => Assert.Single(log, x => x.At == s.At && x.Kind == "Reachable" && x.TimeMs > s.TimeMs));
        Assert.DoesNotContain(log, i => i.Kind is "Removed" or "DownedSelf");
    }

    [Fact]
    public void A_partition_makes_each_side_suspect_the_other_downs_the_minority_removes_it_at_the_majority_and_heals()
    {
        var (r, log, _) = Run(Base with { FaultScript = [new PartitionFault(200) { Minority = [1, 4] }] }, 5);
        var split = Assert.Single(r.Faults!.Events.OfType<PartitionStarted>());
        Assert.Equal(1, split.Number);
        Assert.Equal([M1, M4], split.Minority.ToArray());
        Assert.Equal([M0, M2, M3], split.Majority.ToArray());
        Assert.True(Assert.Single(r.Faults.Events.OfType<PartitionHealed>()).TimeMs > split.TimeMs);
        foreach (var h in r.History!) Assert.Single(h.Events.OfType<PartitionEvent>());

        MemberId[] minority = [M1, M4];
        MemberId[] majority = [M0, M2, M3];
        foreach (var a in minority)
        {
            Assert.Equal(majority.OrderBy(m => m.Address), log.Where(i => i.At == a && i.Kind == "Suspected").Select(i => i.Subject).OrderBy(m => m.Address));
            // Akka: m1 (the minority's leader) downs m4, then itself; m4 gets both from its gossip. Nobody removes anything there.
            Assert.Equal(minority.OrderBy(m => m.Address), log.Where(i => i.At == a && i.Kind == "Downed").Select(i => i.Subject).OrderBy(m => m.Address));
            Assert.DoesNotContain(log, i => i.At == a && i.Kind is "Removed" or "DownedSelf");
        }
        var atLeader = log.Where(i => i.At == M1 && i.Kind == "Downed").Select(i => i.Subject).ToArray();
        Assert.Equal(new[] { M4, M1 }, atLeader);
        foreach (var b in majority)
        {
            Assert.Equal(minority.OrderBy(m => m.Address), log.Where(i => i.At == b && i.Kind == "Suspected").Select(i => i.Subject).OrderBy(m => m.Address));
            Assert.Equal(minority.OrderBy(m => m.Address), log.Where(i => i.At == b && i.Kind == "Downed").Select(i => i.Subject).OrderBy(m => m.Address));
            Assert.Equal(minority.OrderBy(m => m.Address), log.Where(i => i.At == b && i.Kind == "Removed").Select(i => i.Subject).OrderBy(m => m.Address));
            Assert.DoesNotContain(log, i => i.At == b && i.Kind == "DownedSelf");
        }
    }

    [Fact]
    public void A_join_reaches_every_live_member_and_a_restart_is_a_new_incarnation_at_the_same_address()
    {
        var (r, log, _) = Run(Base with { FaultScript = [new JoinFault(150), new RestartFault(300, 3)] }, 2);
        Assert.Equal(1, r.Faults!.Joins);
        Assert.Equal(1, r.Faults.Restarts);
        var m5 = new MemberId("m5", 1);
        var m3Again = new MemberId("m3", 2);
        Assert.Contains(r.History!, h => h.Member == m5);
        Assert.Contains(r.History!, h => h.Member == m3Again);
        Assert.Equal(5, log.Count(i => i.Kind == "JoinRequested" && i.Subject == m5));
        // m3#2 is announced only after every live member saw m3#1 removed, and never to m3#1.
        var lastRemoval = log.Where(i => i.Kind == "Removed" && i.Subject == M3).Max(i => i.TimeMs);
        var announcements = log.Where(i => i.Kind == "JoinRequested" && i.Subject == m3Again).ToList();
        Assert.Equal(5, announcements.Count); // m0, m1, m2, m4, m5
        Assert.All(announcements, i => Assert.True(i.TimeMs > lastRemoval));
        Assert.DoesNotContain(announcements, i => i.At == M3);
    }

    [Fact]
    public void The_oracle_never_breaks_the_majority_of_the_view()
    {
        // Toys never change views, so every failure counts against the founding view of five: at most two may fail.
        var options = Base with { Faults = FaultKinds.Crash | FaultKinds.Restart | FaultKinds.Leave | FaultKinds.Partition, MaxFaultEpisodes = 5 };
        var skipped = 0;
        for (ulong seed = 1; seed <= 60; seed++)
        {
            var (r, log, _) = Run(options, seed);
            var failed = r.History!.Where(h => h.Member.Incarnation == 1 && h.Member.Address is "m0" or "m1" or "m2" or "m3" or "m4")
                .Count(h => h.Events.Any(e => e is CrashEvent) || log.Any(i => i.At == h.Member && (i.Kind is "DownedSelf" or "Leave" || (i.Kind == "Downed" && i.Subject == h.Member))));
            Assert.InRange(failed, 0, 2);
            skipped += r.Faults!.SkippedSteps;
        }
        Assert.True(skipped > 0, "the plans never wanted more failures than the majority allows");
    }

    [Fact]
    public void Messages_from_a_crashed_member_stop_at_a_random_point_of_each_link_and_a_partial_broadcast_reaches_only_its_receivers()
    {
        var (r, _, _) = Run(Base with { FaultScript = [new CrashFault(200, 0) { PartialReceipt = true, Receivers = [2] }] }, 4);
        var sent = r.History!.Single(h => h.Member == M0).Events.OfType<SendEvent>().Last().Id;
        var holders = r.History!.Where(h => h.Events.OfType<DeliverEvent>().Any(d => d.Id == sent)).Select(h => h.Member).ToList();
        Assert.Equal([M0, M2], holders);
    }

    [Fact]
    public void Fault_kinds_parse_as_the_cli_spells_them()
    {
        Assert.True(FaultKindsText.TryParse("all", out var all, out _));
        Assert.Equal(FaultKinds.All, all);
        Assert.True(FaultKindsText.TryParse("pause,downall,indirect", out var resolver, out _));
        Assert.Equal(FaultKinds.Pause | FaultKinds.DownAll | FaultKinds.Indirect, resolver);
        Assert.True(FaultKindsText.TryParse("classic", out var classic, out _));
        Assert.Equal(FaultKinds.Crash | FaultKinds.Join | FaultKinds.Leave | FaultKinds.Suspect | FaultKinds.Partition | FaultKinds.Restart, classic);
        Assert.True(FaultKindsText.TryParse("stagger", out var stagger, out _));
        Assert.Equal(FaultKinds.Stagger, stagger);
        Assert.NotEqual(FaultKinds.None, FaultKinds.All & FaultKinds.Stagger);
        Assert.True(FaultKindsText.TryParse("crash, join,partition", out var some, out _));
        Assert.Equal(FaultKinds.Crash | FaultKinds.Join | FaultKinds.Partition, some);
        Assert.True(FaultKindsText.TryParse("none", out var none, out _));
        Assert.Equal(FaultKinds.None, none);
        Assert.False(FaultKindsText.TryParse("crash,meteor", out _, out var error));
        Assert.Contains("meteor", error);
        Assert.Equal("crash,suspect", FaultKindsText.Format(FaultKinds.Crash | FaultKinds.Suspect));
    }

    [Fact]
    public void Cli_accepts_faults_and_keeps_its_last_line()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Cli.Run(["--schedules", "3", "--messages", "40", "--faults", "suspect", "--parallelism", "1"], output, error);
        var lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.True(code == 0, output.ToString() + error);
        Assert.Contains(lines, l => l.StartsWith("faults: ", StringComparison.Ordinal));
        Assert.Matches(@"^schedules=3 deliveries=\d+ violations=0$", lines[^1]);

        Assert.NotEqual(0, Cli.Run(["--faults", "meteor"], new StringWriter(), error));
        Assert.Contains("meteor", error.ToString());
    }
}
