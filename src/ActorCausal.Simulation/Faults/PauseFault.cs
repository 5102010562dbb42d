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
internal sealed partial class Simulator
{
    private sealed class PauseFaults(Simulator sim) : IFault
    {
        public bool Applies(FaultStep step) => step is PauseFault;
        public string Describe(FaultStep step) => step is PauseFault p ? $"pause of {MemberRef.Format(p.Member)} ({p.Outcome})" : step.GetType().Name;
        public StepOutcome Step(FaultStep step, out string? why) => sim.TryPause((PauseFault)step, out why);
    }

    private StepOutcome TryPause(PauseFault pause, out string? why)
    {
        why = null;
        var victim = Resolve(pause.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can be paused without breaking the majority ({MemberRef.Format(pause.Member)})";
            return StepOutcome.Retry;
        }
        var s = _slots[victim];
        var observers = Enumerable.Range(0, _members.Count).Where(y => y != victim && !_slots[y].Gone && !_slots[y].Stopped).ToList();
        _pauses++;
        s.Paused = true;
        if (pause.Outcome == PauseOutcome.Short)
        {
            var length = _resolver.NextInt(Timing.DetectionMinMs, Timing.FalseSuspicionMaxMs);
            s.ResumeAt = _now + length;
            foreach (var y in observers)
            {
                var d = _resolver.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
                if (d >= length) continue;
                ScheduleNotify(_now + d, y, NotifyKind.Suspected, victim);
                ScheduleNotify(s.ResumeAt + _resolver.NextInt(1, Math.Max(1, Timing.SpreadMs)), y, NotifyKind.Reachable, victim);
            }
        }
        else
        {
            s.Excluded = true;
            var maxDetect = Detect(observers.Select(y => (y, victim)), _resolver);
            var decision = _now + maxDetect + _resolver.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);
            var lastRemoved = DownThenRemove(observers, victim, decision, _resolver);
            s.ResumeAt = lastRemoved + _resolver.NextInt(Timing.RestartDelayMinMs, Timing.RestartDelayMaxMs);
        }
        _history[victim].Add(new PauseEvent(s.ResumeAt, s.Excluded) { TimeMs = _now });
        Log(new MemberPaused(_ids[victim], s.ResumeAt, pause.Outcome, SafePhase(victim)));
        Hash(0x9A05E);
        Hash((ulong)victim);
        ScheduleFault(s.ResumeAt, new SimEvent(EventKind.Resume, victim, -1, null, (int)pause.Outcome));
        return StepOutcome.Done;
    }

    private void DoResume(int slot, PauseOutcome outcome)
    {
        var s = _slots[slot];
        s.Paused = false;
        Log(new MemberResumed(_ids[slot], outcome));
        if (s.Gone || s.Stopped) return;

        // Its application has not noticed anything: it broadcasts as before.
        var extra = 1 + _resolver.NextInt(3);
        for (var k = 0; k < extra; k++) BroadcastExtra(slot, AllOrders[_resolver.NextInt(AllOrders.Length)], "p" + _extraBroadcasts++);

        var peers = (s.ViewSlots ?? []).Where(y => y >= 0 && y != slot).ToList();
        if (outcome == PauseOutcome.Short)
        {
            // Its own detector saw no heartbeat while it was stopped: a moment of unreachability, healed by the next ones.
            foreach (var y in peers)
            {
                if (!_resolver.Chance(0.5)) continue;
                var at = _now + _resolver.NextInt(1, Math.Max(1, Timing.SpreadMs));
                ScheduleNotify(at, slot, NotifyKind.Suspected, y);
                ScheduleNotify(at + _resolver.NextInt(Timing.FalseSuspicionMinMs, Timing.FalseSuspicionMaxMs), slot, NotifyKind.Reachable, y);
            }
            return;
        }
        var maxDetect = Detect(peers.Select(y => (slot, y)), _resolver);
        var decision = _now + maxDetect + _resolver.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);
        switch (outcome)
        {
            case PauseOutcome.KeepMajority:
                ScheduleNotify(decision, slot, NotifyKind.Downed, slot);
                break;
            case PauseOutcome.DownAll:
                ScheduleDownAll([slot], [decision]);
                break;
            case PauseOutcome.Never:
                Log(new NeverToldDowned(_ids[slot]));
                break;
        }
    }

    /// <summary>A broadcast the workload did not plan (a paused member's application going on after it resumes).</summary>
    private void BroadcastExtra(int slot, DeliveryOrder order, string payload)
    {
        _current = slot;
        var result = _members[slot].Broadcast(payload, order, null);
        Hash(0xE7);
        Hash((ulong)result.Refusal);
        if (result.Accepted)
        {
            _accepted++;
            _lastBroadcastMs = _now;
            if (result.IsHeld)
            {
                _slots[slot].Held[result.Ticket] = (order, ImmutableArray<MessageId>.Empty);
                _heldBroadcasts++;
            }
            else
            {
                _history[slot].Add(new SendEvent(result.Id, order) { TimeMs = _now });
            }
        }
        Drain(slot);
        AfterEvent(slot);
        _current = -1;
    }
}
