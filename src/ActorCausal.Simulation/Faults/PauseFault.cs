using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>How a paused member's story ends (<see cref="PauseFault"/>).</summary>
public enum PauseOutcome
{
    /// <summary>Resumes before the resolver decides: both sides suspect each other for a moment, nothing is downed.</summary>
    Short,
    /// <summary>Resumes after the majority downed and removed it; its own resolver (keep-majority: it is alone) downs only itself.</summary>
    KeepMajority,
    /// <summary>Resumes after the majority moved on; its resolver sees instability and downs every peer, one at a time, then itself.</summary>
    DownAll,
    /// <summary>Resumes after the majority moved on and never learns it was downed (the nodes that decided are gone): it only suspects everyone.</summary>
    Never,
}

/// <summary>
/// <see cref="Member"/>'s process stops (SIGSTOP) at <see cref="FaultStep.AtMs"/>: it processes nothing, what is sent to it
/// waits in its socket buffers, and it resumes (SIGCONT) later with <see cref="Outcome"/>.
/// </summary>
public sealed record PauseFault(long AtMs, int Member = MemberRef.Any, PauseOutcome Outcome = PauseOutcome.KeepMajority) : FaultStep(AtMs)
{
    /// <summary>The generator's pause episode: of the coordinator 25% of the time, each outcome equally likely.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random) =>
        [new PauseFault(at, random.Chance(0.25) ? MemberRef.Coordinator : MemberRef.Any, (PauseOutcome)random.NextInt(4))];
}

// A paused process (SIGSTOP, a long GC, a starved VM), as Akka.Cluster sees it. While paused it processes nothing and
// what reaches it waits in its socket buffers. A short pause heals like a false suspicion (both sides). A long one: the
// others suspect it, their resolver downs it after stable-after and their leader removes it, which quarantines it (nothing
// passes any more). When it resumes it reads what was buffered, its application goes on broadcasting, its failure
// detector finds every peer unreachable, and its own resolver (alone on its side) decides after stable-after: keep-majority
// downs itself; down-all-when-unstable downs every peer one at a time and itself last; or nothing ever tells it.
internal sealed class PauseFaults : IFault
{
    private readonly MembershipOracle oracle;

    public PauseFaults(MembershipOracle oracle)
    {
        this.oracle = oracle;
        oracle.OnEvent(EventKind.Resume, e => Resume(e.Member, (PauseOutcome)e.PlanIndex));
    }

    public bool Applies(FaultStep step) => step is PauseFault;
    public string Describe(FaultStep step) => step is PauseFault p ? $"pause of {MemberRef.Format(p.Member)} ({p.Outcome})" : step.GetType().Name;
    public StepOutcome Step(FaultStep step, out string? why) => TryPause((PauseFault)step, out why);

    private StepOutcome TryPause(PauseFault pause, out string? why)
    {
        why = null;
        var victim = oracle.Resolve(pause.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can be paused without breaking the majority ({MemberRef.Format(pause.Member)})";
            return StepOutcome.Retry;
        }
        var s = oracle.Slots[victim];
        var observers = Enumerable.Range(0, oracle.Members.Count).Where(y => y != victim && !oracle.Slots[y].Gone && !oracle.Slots[y].Stopped).ToList();
        oracle.Counts.Pauses++;
        s.Paused = true;
        if (pause.Outcome == PauseOutcome.Short)
        {
            var length = oracle.ResolverRandom.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.FalseSuspicionMaxMs);
            s.ResumeAt = oracle.Now + length;
            foreach (var y in observers)
            {
                var d = oracle.ResolverRandom.NextInt(oracle.Timing.DetectionMinMs, oracle.Timing.DetectionMaxMs);
                if (d >= length) continue;
                oracle.ScheduleNotify(oracle.Now + d, y, MembershipOracle.NotifyKind.Suspected, victim);
                oracle.ScheduleNotify(s.ResumeAt + oracle.ResolverRandom.NextInt(1, Math.Max(1, oracle.Timing.SpreadMs)), y, MembershipOracle.NotifyKind.Reachable, victim);
            }
        }
        else
        {
            s.Excluded = true;
            var maxDetect = oracle.Detect(observers.Select(y => (y, victim)), oracle.ResolverRandom);
            var decision = oracle.Now + maxDetect + oracle.ResolverRandom.NextInt(oracle.Timing.StableAfterMinMs, oracle.Timing.StableAfterMaxMs);
            var lastRemoved = oracle.DownThenRemove(observers, victim, decision, oracle.ResolverRandom);
            s.ResumeAt = lastRemoved + oracle.ResolverRandom.NextInt(oracle.Timing.RestartDelayMinMs, oracle.Timing.RestartDelayMaxMs);
        }
        oracle.History[victim].Add(new PauseEvent(s.ResumeAt, s.Excluded) { TimeMs = oracle.Now });
        oracle.Log(new MemberPaused(oracle.Ids[victim], s.ResumeAt, pause.Outcome, oracle.SafePhase(victim)));
        oracle.Hash(0x9A05E);
        oracle.Hash((ulong)victim);
        oracle.ScheduleFault(s.ResumeAt, new SimEvent(EventKind.Resume, victim, -1, null, (int)pause.Outcome));
        return StepOutcome.Done;
    }

    private void Resume(int slot, PauseOutcome outcome)
    {
        var s = oracle.Slots[slot];
        s.Paused = false;
        oracle.Log(new MemberResumed(oracle.Ids[slot], outcome));
        if (s.Gone || s.Stopped) return;

        // Its application has not noticed anything: it broadcasts as before.
        var extra = 1 + oracle.ResolverRandom.NextInt(3);
        for (var k = 0; k < extra; k++) BroadcastExtra(slot, MembershipOracle.AllOrders[oracle.ResolverRandom.NextInt(MembershipOracle.AllOrders.Length)]);

        var peers = (s.ViewSlots ?? []).Where(y => y >= 0 && y != slot).ToList();
        if (outcome == PauseOutcome.Short)
        {
            // Its own detector saw no heartbeat while it was stopped: a moment of unreachability, healed by the next ones.
            foreach (var y in peers)
            {
                if (!oracle.ResolverRandom.Chance(0.5)) continue;
                var at = oracle.Now + oracle.ResolverRandom.NextInt(1, Math.Max(1, oracle.Timing.SpreadMs));
                oracle.ScheduleNotify(at, slot, MembershipOracle.NotifyKind.Suspected, y);
                oracle.ScheduleNotify(at + oracle.ResolverRandom.NextInt(oracle.Timing.FalseSuspicionMinMs, oracle.Timing.FalseSuspicionMaxMs), slot, MembershipOracle.NotifyKind.Reachable, y);
            }
            return;
        }
        var maxDetect = oracle.Detect(peers.Select(y => (slot, y)), oracle.ResolverRandom);
        var decision = oracle.Now + maxDetect + oracle.ResolverRandom.NextInt(oracle.Timing.StableAfterMinMs, oracle.Timing.StableAfterMaxMs);
        switch (outcome)
        {
            case PauseOutcome.KeepMajority:
                oracle.ScheduleNotify(decision, slot, MembershipOracle.NotifyKind.Downed, slot);
                break;
            case PauseOutcome.DownAll:
                oracle.ScheduleDownAll([slot], [decision]);
                break;
            case PauseOutcome.Never:
                oracle.Log(new NeverToldDowned(oracle.Ids[slot]));
                break;
        }
    }

    /// <summary>A broadcast the workload did not plan: the resumed member's application going on.</summary>
    private void BroadcastExtra(int slot, DeliveryOrder order)
    {
        oracle.BroadcastUnplanned(slot, order, "p", 0xE7);
        oracle.Drain(slot);
        oracle.AfterEvent(slot);
        oracle.Current = -1;
    }
}
