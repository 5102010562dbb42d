using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation;

/// <summary>The real <see cref="GroupMember"/> in the simulator, checked by the independent invariant checker.</summary>
public class ProtocolSimulationTests
{
    private static List<ScheduleResult> RunMany(SimulationOptions options, int schedules, ulong firstSeed = 1) =>
        SimulationRunner.RunMany(options, firstSeed, schedules).ToList();

    private static string Describe(ScheduleResult r) =>
        $"seed {r.Seed} ({r.TotalOrderMode}): quiescent={r.Quiescent} buffered=[{string.Join(",", r.BufferedAtEnd)}] rejected={r.RejectedInputs} " +
        string.Join("; ", r.Violations.Take(5)) + string.Join("; ", r.RejectionSamples);

    private static void AssertClean(ScheduleResult r)
    {
        Assert.True(!r.HasViolations && r.Quiescent && r.RejectedInputs == 0 && r.ClockSkewEvents == 0 && r.UnknownDependencyRefusals == 0, Describe(r));
        Assert.All(r.BufferedAtEnd, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Two_thousand_mixed_schedules_with_loss_and_duplication_keep_every_invariant_and_end_with_empty_buffers()
    {
        var options = new SimulationOptions { Members = 5, Messages = 200, Order = OrderMix.Mixed, Loss = 0.05, Duplication = 0.02 };
        var results = RunMany(options, 2_000);
        Assert.Equal(2_000, results.Count);
        Assert.All(results, AssertClean);
        Assert.All(results, r => Assert.Equal(200L * 5, r.Deliveries));
        Assert.Contains(results, r => r.TotalOrderMode == TotalOrderMode.ThreeStep);
        Assert.Contains(results, r => r.TotalOrderMode == TotalOrderMode.TwoStep);
    }

    [Theory]
    [InlineData(OrderMix.Fifo)]
    [InlineData(OrderMix.Causal)]
    [InlineData(OrderMix.Explicit)]
    [InlineData(OrderMix.Total)]
    public void Each_order_keeps_every_invariant_on_lossy_duplicating_reordering_links(OrderMix order)
    {
        var options = new SimulationOptions { Members = 4, Messages = 120, Order = order, Loss = 0.1, Duplication = 0.1, Reorder = true };
        Assert.All(RunMany(options, 40, firstSeed: 1000), AssertClean);
    }

    [Fact]
    public void Small_and_large_groups_keep_every_invariant()
    {
        Assert.All(RunMany(new SimulationOptions { Members = 1, Messages = 50, Loss = 0.1 }, 10), AssertClean);
        Assert.All(RunMany(new SimulationOptions { Members = 2, Messages = 100, Loss = 0.1, Duplication = 0.1 }, 20), AssertClean);
        Assert.All(RunMany(new SimulationOptions { Members = 9, Messages = 150, Loss = 0.05, Duplication = 0.02 }, 10), AssertClean);
    }

    [Fact]
    public void Broadcasts_refused_with_back_pressure_are_retried_and_all_get_through()
    {
        var options = new SimulationOptions
        {
            Members = 4, Messages = 150, BurstProbability = 0.3, Loss = 0.05,
            ProtocolSettings = new GroupMemberSettings { MaxUnstable = 4 },
        };
        var results = RunMany(options, 20);
        Assert.All(results, AssertClean);
        Assert.All(results, r => Assert.Equal(150, r.Broadcasts));
        Assert.Contains(results, r => r.BackPressureRefusals > 0);
    }

    [Fact]
    public void Same_seed_gives_the_same_protocol_run_event_for_event()
    {
        var options = new SimulationOptions { Loss = 0.05, Duplication = 0.02, Reorder = true };
        var first = SimulationRunner.Run(options, 7);
        var second = SimulationRunner.Run(options, 7);
        Assert.Equal(first.TraceHash, second.TraceHash);
        Assert.Equal(
            first.History!.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}")),
            second.History!.SelectMany(h => h.Events.Select(e => $"{h.Member} {e}")));
        Assert.Equal((first.EndTimeMs, first.NetworkMessages, first.Deliveries, first.TotalOrderMode), (second.EndTimeMs, second.NetworkMessages, second.Deliveries, second.TotalOrderMode));
    }

    [Fact]
    public void Same_seed_gives_the_same_runs_in_separate_processes()
    {
        // String hashing is randomized per process: a run that depended on it would differ between these two.
        var args = "--schedules 5 --seed 9 --loss 0.05 --dup 0.02 --fifo-links false --parallelism 1";
        var first = RunCli(args);
        var second = RunCli(args);
        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"^schedules=5 deliveries=5000 violations=0$", first.Lines[^1]);
        var hash = Assert.Single(first.Lines, l => l.Contains("trace-hash="));
        Assert.Equal(Field(hash, "trace-hash"), Field(Assert.Single(second.Lines, l => l.Contains("trace-hash=")), "trace-hash"));
        Assert.Equal(first.Lines[^1], second.Lines[^1]);
    }

    private static string Field(string line, string name) =>
        line.Split(' ').Single(part => part.StartsWith(name + "=", StringComparison.Ordinal));

    private static (int ExitCode, string[] Lines) RunCli(string arguments)
    {
        var dll = typeof(Cli).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new System.Diagnostics.ProcessStartInfo(dotnet, $"\"{dll}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the simulator did not finish");
        Assert.True(error.Result.Length == 0, error.Result);
        return (process.ExitCode, output.Result.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray());
    }

    [Fact]
    public void The_workload_produces_concurrency_members_deliver_in_different_orders()
    {
        // Without concurrency the checker would have nothing to catch: some two messages must be delivered in
        // opposite orders by two members.
        var result = SimulationRunner.Run(new SimulationOptions { Order = OrderMix.Causal }, 3);
        AssertClean(result);
        var orders = result.History!.Select(h => h.Events.OfType<DeliverEvent>().Select(d => d.Id).ToList()).ToList();
        Assert.Contains(orders.Skip(1), o => !o.SequenceEqual(orders[0]));
    }

    [Fact]
    public void Skipping_the_causal_check_is_caught_as_a_causal_violation()
    {
        var options = new SimulationOptions
        {
            Members = 5, Messages = 100, Order = OrderMix.Causal,
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.SkipCausalCheck },
        };
        var results = RunMany(options, 50);
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.Causal));
    }

    [Fact]
    public void Delivering_total_order_on_proposal_is_caught_as_a_total_order_violation()
    {
        var options = new SimulationOptions
        {
            Members = 5, Messages = 100, Order = OrderMix.Total,
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.DeliverTotalOnProposal },
        };
        var results = RunMany(options, 50);
        Assert.Contains(results, r => r.Violations.Any(v => v.Kind == ViolationKind.Total));
    }

    [Fact]
    public void Dropping_retransmissions_under_loss_is_caught_as_missing_deliveries()
    {
        var options = new SimulationOptions
        {
            Members = 5, Messages = 100, Order = OrderMix.Mixed, Loss = 0.05, QuiescenceTimeoutMs = 10_000,
            ProtocolSettings = new GroupMemberSettings { Rules = BrokenProtocols.DropRetransmissions },
        };
        var results = RunMany(options, 50);
        Assert.Contains(results, r => !r.Quiescent && r.Violations.Any(v => v.Kind is ViolationKind.Validity or ViolationKind.UnstableBuffers));
    }

    [Theory]
    [InlineData(TotalOrderMode.ThreeStep, 3)]
    [InlineData(TotalOrderMode.TwoStep, 2)]
    public void Total_order_latency_is_measured_in_message_delays(TotalOrderMode mode, int expected)
    {
        foreach (var members in new[] { 3, 5, 8 })
        {
            var delays = TotalOrderDelays.Measure(mode, members);
            Assert.InRange(delays, expected, expected + 0.2);
        }
    }
}
