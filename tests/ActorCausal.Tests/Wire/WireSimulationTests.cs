using ActorCausal.Simulation;
using ActorCausal.Tests.Support;
using Xunit.Abstractions;

namespace ActorCausal.Tests.Wire;

/// <summary>The simulator with every protocol message passed through the real protobuf mapping both ways before it is delivered.</summary>
public sealed class WireSimulationTests(ITestOutputHelper output)
{
    private static readonly SimulationOptions AllFaults = new()
    {
        Members = 5,
        Messages = 200,
        Faults = FaultKinds.All,
        QuiescenceTimeoutMs = 20_000,
    };

    [Fact]
    public void A_thousand_fault_schedules_over_the_real_wire_keep_every_invariant()
    {
        var schedules = int.TryParse(Environment.GetEnvironmentVariable("ACTORCAUSAL_WIRE_SCHEDULES"), out var n) ? n : 1_000;
        var wire = new SimulatedWire();
        var options = AllFaults with { Loss = 0.03, Duplication = 0.02, Wire = wire.RoundTrip };
        var failing = new List<ScheduleResult>();
        var crashes = 0;
        long deliveries = 0;
        SimulationRunner.RunMany(options, firstSeed: 70_000, schedules, r =>
        {
            deliveries += r.Deliveries;
            if (r.HasViolations || !r.Quiescent) failing.Add(r);
            if (r.Faults is { } f) crashes += f.Crashes;
        });

        output.WriteLine($"{schedules} schedules, {deliveries} deliveries, {wire.Bytes} wire bytes; crossed: {string.Join(", ", wire.Crossed.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        Assert.True(failing.Count == 0, $"{failing.Count} of {schedules} schedules failed; seeds {string.Join(",", failing.Take(20).Select(r => r.Seed))}: "
            + string.Join("; ", failing.Take(3).Select(r => $"seed {r.Seed} quiescent={r.Quiescent} {string.Join(" | ", r.Violations.Take(3))}")));
        Assert.True(crashes > schedules / 10, $"only {crashes} crashes: the plans did not exercise view changes");
        // Every kind of protocol message the flush and the joins use really crossed the wire.
        foreach (var kind in new[] { "DataMessage", "Nak", "StabilityGossip", "FlushRequest", "FlushReport", "FlushPrepare", "FlushPrepareAck", "FlushCommit", "Welcome", "LeaveRequest" })
            Assert.True(wire.Crossed.GetValueOrDefault(kind) > 0, $"no {kind} crossed the wire");
        Assert.True(wire.Crossed.GetValueOrDefault("Proposal") + wire.Crossed.GetValueOrDefault("ProposalBatch") > 0, "no proposal crossed the wire");
    }

    [Fact]
    public void The_wire_changes_nothing_a_schedule_does()
    {
        // The mapping is faithful when the protocol cannot tell the copy from the original: same seed, same trace, in
        // the compact form (data messages read as deltas against the link's previous one) and the full one.
        var compact = new SimulatedWire();
        var full = new SimulatedWire { Compact = false };
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var plain = SimulationRunner.Run(AllFaults, seed, keepHistory: false);
            foreach (var wire in new[] { compact, full })
            {
                var wired = SimulationRunner.Run(AllFaults with { Wire = wire.RoundTrip }, seed, keepHistory: false);
                Assert.Equal(plain.TraceHash, wired.TraceHash);
                Assert.Equal(plain.Deliveries, wired.Deliveries);
            }
        }
        Assert.True(compact.Crossed.GetValueOrDefault("FlushCommit") > 0, "no view change crossed the wire");
    }
}
