using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Runs a scripted fault plan over several seeds and helps assert what happened in each run.</summary>
internal static class ScenarioSupport
{
    /// <summary>
    /// The base options of the scenarios: five members, a mixed workload over ~1 s, FIFO links. Uniform total order is
    /// not claimed by the protocol (docs/protocol.md, Limits), so scenarios check total order among correct members only;
    /// <see cref="UniformityTests"/> looks at uniformity separately.
    /// </summary>
    public static SimulationOptions Options(IReadOnlyList<FaultStep> script, int members = 5, int messages = 200) => new()
    {
        Members = members,
        Messages = messages,
        FaultScript = script,
        UniformTotalOrder = false,
        QuiescenceTimeoutMs = 20_000,
    };

    public static MemberId M(int address, long incarnation = 1) => new($"m{address}", incarnation);

    public static string Describe(ScheduleResult r)
    {
        var text = $"seed {r.Seed} ({r.TotalOrderMode}), quiescent={r.Quiescent}, {r.Violations.Length} violations";
        foreach (var v in r.Violations.Take(6)) text += $"\n  {v.Kind} at {v.Member}: [{string.Join(", ", v.Messages)}] {FirstLine(v.Detail)}";
        if (r.Faults is { } f) text += "\n  fault log:\n    " + string.Join("\n    ", f.Log);
        return text;
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    /// <summary>Runs <paramref name="options"/> for each seed, asserting no violation and quiescence, then <paramref name="happened"/> on each run.</summary>
    public static IReadOnlyList<ScheduleResult> RunClean(SimulationOptions options, IEnumerable<ulong> seeds, Action<ScheduleResult> happened, IReadOnlyList<PlannedBroadcast>? workload = null)
    {
        var results = new List<ScheduleResult>();
        foreach (var seed in seeds)
        {
            var r = SimulationRunner.Run(options, seed, workload);
            Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
            happened(r);
            results.Add(r);
        }
        return results;
    }

    public static MemberHistory History(ScheduleResult r, MemberId member) => r.History!.Single(h => h.Member == member);

    /// <summary>The members whose histories end correct (no crash, no stop).</summary>
    public static IReadOnlyList<MemberHistory> Correct(ScheduleResult r) =>
        r.History!.Where(h => InvariantChecker.FateOf(h) == InvariantChecker.Fate.Correct).ToList();

    public static IReadOnlyList<ViewEvent> Views(MemberHistory h) => h.Events.OfType<ViewEvent>().ToList();

    public static ViewEvent LastView(MemberHistory h) => h.Events.OfType<ViewEvent>().Last();

    public static ImmutableHashSet<MessageId> Delivered(MemberHistory h) => h.Events.OfType<DeliverEvent>().Select(d => d.Id).ToImmutableHashSet();

    /// <summary>Every correct member ends in the same view, which holds exactly the correct members.</summary>
    public static ViewEvent AssertCommonFinalView(ScheduleResult r)
    {
        var correct = Correct(r);
        var last = correct.Select(LastView).ToList();
        Assert.True(last.All(v => v.ViewId == last[0].ViewId && v.Members.SequenceEqual(last[0].Members)), Describe(r));
        Assert.Equal(correct.Select(h => h.Member).OrderBy(m => m.ToString()), last[0].Members.OrderBy(m => m.ToString()));
        return last[0];
    }
}
