using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using ActorCausal.Protocol.Tests.Support;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>The simulator itself (PRNG, links, workload, loop, quiescence, CLI), driven by toy protocols so it does not depend on <see cref="GroupMember"/>.</summary>
public class SimulatorTests
{
    private static readonly SimulationOptions Small = new() { Members = 4, Messages = 60 };

    private static List<ScheduleResult> RunToy(SimulationOptions options, ToyDelivery delivery, int schedules, ulong firstSeed = 1)
    {
        var results = new List<ScheduleResult>();
        SimulationRunner.RunMany(options, firstSeed, schedules, ToyMember.Factory(delivery), results.Add);
        return results;
    }

    private static string Trace(ScheduleResult r) =>
        string.Join("\n", r.History!.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}")));

    [Fact]
    public void SplitMix64_matches_the_reference_vector_for_seed_1234567()
    {
        // Published test vector of SplitMix64 (Vigna's splitmix64.c) seeded with 1234567.
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (var e in expected) Assert.Equal(e, DeterministicRandom.SplitMix64(ref state));
    }

    [Fact]
    public void Xoshiro256StarStar_matches_the_reference_vector_for_state_1_2_3_4()
    {
        var random = DeterministicRandom.FromState(1, 2, 3, 4);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360];
        foreach (var e in expected) Assert.Equal(e, random.NextUInt64());
    }

    [Fact]
    public void Bounded_random_ints_stay_in_range_and_repeat_with_the_seed()
    {
        SeededSample.Check(Gen.Select(Gen.ULong, Gen.Int[1, 1000]), (seed, bound) =>
        {
            var a = new DeterministicRandom(seed);
            var b = new DeterministicRandom(seed);
            for (var k = 0; k < 50; k++)
            {
                var x = a.NextInt(bound);
                if (x < 0 || x >= bound || x != b.NextInt(bound)) return false;
            }
            return true;
        }, firstSeed: 1, iterations: 100); // CsCheck's default count
    }

    [Fact]
    public void Same_seed_gives_the_same_run_event_for_event()
    {
        var options = Small with { Loss = 0.1, Duplication = 0.1, Reorder = true, Order = OrderMix.Mixed };
        var first = SimulationRunner.Run(options, 42, ToyMember.Factory(ToyDelivery.Fifo));
        var second = SimulationRunner.Run(options, 42, ToyMember.Factory(ToyDelivery.Fifo));
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(Trace(first), Trace(second));
        Assert.Equal(first.EndTimeMs, second.EndTimeMs);

        var other = SimulationRunner.Run(options, 43, ToyMember.Factory(ToyDelivery.Fifo));
        Assert.NotEqual(first.TraceHash, other.TraceHash);
    }

    [Fact]
    public void RunMany_reports_in_seed_order_whatever_the_parallelism()
    {
        var options = Small with { Loss = 0.05 };
        var sequential = new List<ScheduleResult>();
        var parallel = new List<ScheduleResult>();
        SimulationRunner.RunMany(options, 100, 40, ToyMember.Factory(ToyDelivery.Fifo), sequential.Add, maxParallelism: 1);
        SimulationRunner.RunMany(options, 100, 40, ToyMember.Factory(ToyDelivery.Fifo), parallel.Add, maxParallelism: 4);
        Assert.Equal(Enumerable.Range(100, 40).Select(i => (ulong)i), sequential.Select(r => r.Seed));
        Assert.Equal(sequential.Select(r => (r.Seed, r.TraceHash)), parallel.Select(r => (r.Seed, r.TraceHash)));
    }

    [Fact]
    public void Workload_has_the_requested_size_orders_and_bursts()
    {
        var options = new SimulationOptions { Members = 5, Messages = 500, BurstProbability = 0.3 };
        var plan = WorkloadGenerator.Generate(options, new DeterministicRandom(7));
        Assert.Equal(500, plan.Count);
        Assert.True(plan.Zip(plan.Skip(1)).All(p => p.First.TimeMs <= p.Second.TimeMs));
        Assert.Equal(4, plan.Select(b => b.Order).Distinct().Count());
        Assert.All(plan, b => Assert.InRange(b.Member, 0, 4));
        // A burst: at least 5 broadcasts of one member at one instant.
        Assert.Contains(plan.GroupBy(b => (b.TimeMs, b.Member)), g => g.Count() >= 5);
        Assert.All(plan.Where(b => b.Order != DeliveryOrder.Explicit), b => Assert.Equal(0, b.Dependencies));
    }

    [Fact]
    public void Fifo_links_never_reorder_and_reordering_links_do()
    {
        // Members that deliver on arrival are FIFO exactly when the links are.
        var fifo = RunToy(Small with { Order = OrderMix.Fifo }, ToyDelivery.OnArrival, 20);
        Assert.All(fifo, r => Assert.Empty(r.Violations));
        Assert.All(fifo, r => Assert.True(r.Quiescent));

        var reordering = RunToy(Small with { Order = OrderMix.Fifo, Reorder = true }, ToyDelivery.OnArrival, 20);
        Assert.Contains(reordering, r => r.Violations.Any(v => v.Kind == ViolationKind.Fifo));
    }

    [Fact]
    public void A_correct_causal_protocol_passes_the_checker_on_reordering_duplicating_links()
    {
        var results = RunToy(Small with { Order = OrderMix.Causal, Reorder = true, Duplication = 0.2 }, ToyDelivery.Causal, 30);
        Assert.All(results, r =>
        {
            Assert.Empty(r.Violations);
            Assert.True(r.Quiescent);
            Assert.Equal(Small.Messages, r.Broadcasts);
            Assert.Equal((long)Small.Messages * Small.Members, r.Deliveries);
        });
    }

    [Fact]
    public void Fifo_delivery_of_causal_messages_is_caught_as_a_causal_violation()
    {
        var results = RunToy(Small with { Order = OrderMix.Causal }, ToyDelivery.Fifo, 30);
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.Causal));
        Assert.DoesNotContain(results, r => r.Violations.Any(v => v.Kind is ViolationKind.Fifo or ViolationKind.Creation or ViolationKind.Duplication));
    }

    [Fact]
    public void Lost_messages_without_retransmission_end_as_validity_violations_and_full_buffers()
    {
        var results = RunToy(Small with { Order = OrderMix.Fifo, Loss = 0.1, QuiescenceTimeoutMs = 2_000 }, ToyDelivery.Fifo, 10);
        Assert.All(results, r => Assert.False(r.Quiescent));
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.Validity));
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.UnstableBuffers));
        Assert.All(results, r => Assert.True(r.EndTimeMs <= Small.Messages * 5 + 2_000 + Small.TickIntervalMs));
    }

    [Fact]
    public void Explicit_dependencies_are_ids_the_sender_had_delivered()
    {
        var result = SimulationRunner.Run(Small with { Order = OrderMix.Explicit, Messages = 150 }, 5, ToyMember.Factory(ToyDelivery.Fifo));
        var withDeps = 0;
        foreach (var h in result.History!)
        {
            var delivered = new HashSet<MessageId>();
            foreach (var e in h.Events)
            {
                if (e is DeliverEvent d) delivered.Add(d.Id);
                if (e is SendEvent s && !s.DependsOn.IsEmpty)
                {
                    withDeps++;
                    Assert.InRange(s.DependsOn.Length, 1, 2);
                    Assert.All(s.DependsOn, dep => Assert.Contains(dep, delivered));
                }
            }
        }
        Assert.True(withDeps > 20, $"only {withDeps} explicit messages had dependencies");
    }

    [Fact]
    public void A_protocol_that_throws_is_reported_as_a_crash_of_that_schedule()
    {
        SimulatedMemberFactory factory = (self, view, settings) =>
            self.Address == "m2" ? new ThrowOnReceive() : ToyMember.Factory(ToyDelivery.Fifo)(self, view, settings);
        var result = SimulationRunner.Run(Small, 3, factory);
        var crash = Assert.Single(result.Violations, v => v.Kind == ViolationKind.Crash);
        Assert.Equal("m2", crash.Member.Address);
        Assert.Contains("boom", crash.Detail);
        Assert.False(result.Quiescent);
    }

    [Fact]
    public void Invalid_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulationRunner.Run(new SimulationOptions { Loss = 1 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulationRunner.Run(new SimulationOptions { MinDelayMs = 5, MaxDelayMs = 4 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulationRunner.Run(new SimulationOptions { Members = 0 }, 1));
        Assert.Throws<ArgumentException>(() => SimulationRunner.Run(Small, 1, [new PlannedBroadcast(0, Small.Members, DeliveryOrder.Fifo)]));
    }

    private sealed class ThrowOnReceive : ISimulatedMember
    {
        public int BufferedMessages => 0;
        public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn) =>
            BroadcastResult.Refused(BroadcastRefusal.BackPressure, "never");
        public void Receive(ActorCausal.Protocol.Membership.MemberId from, ActorCausal.Protocol.Messages.ProtocolMessage message) => throw new InvalidOperationException("boom");
        public void Tick(long nowMs) { }
        public int DrainEffects(List<Effect> destination) => 0;
    }

    [Fact]
    public void Cli_rejects_invalid_arguments_with_a_nonzero_exit()
    {
        foreach (var args in new[] { new[] { "--loss", "1.5" }, ["--order", "sideways"], ["--schedules", "0"], ["--members", "x"], ["--total-mode", "four"], ["--delay-min", "10", "--delay-max", "5"], ["--safe-quorum", "most"], ["--bogus"] })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            Assert.NotEqual(0, Cli.Run(args, output, error));
            Assert.NotEqual("", error.ToString().Trim());
        }
    }

    [Fact]
    public void Cli_safe_quorum_majority_is_accepted_and_named_in_the_header()
    {
        var output = new StringWriter();
        var code = Cli.Run(["--schedules", "2", "--members", "3", "--messages", "20", "--order", "causal", "--safe", "1", "--safe-quorum", "majority", "--parallelism", "1"], output, new StringWriter());
        Assert.Equal(0, code);
        Assert.Contains("safe 1 (majority quorum)", output.ToString());
    }

    [Fact]
    public void Cli_ends_with_the_summary_line_and_reports_the_first_violating_seed()
    {
        var output = new StringWriter();
        var options = Small with { Order = OrderMix.Causal };
        var code = Cli.Execute(options, 11, 20, 2, output, ToyMember.Factory(ToyDelivery.Fifo));
        var lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(1, code);
        Assert.Matches(@"^schedules=20 deliveries=\d+ violations=[1-9]\d*$", lines[^1]);
        Assert.Contains(lines, l => l.Contains("first violating seed: "));
        Assert.Contains(lines, l => l.Contains("kind=Causal"));
    }
}
