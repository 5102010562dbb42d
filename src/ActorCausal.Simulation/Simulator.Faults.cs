using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

// The membership oracle: what Akka.Cluster does when members crash, are cut off, join, leave or come back, in virtual
// time, shared by the fault kinds (one file each in Faults/, behind IFault). Crash: the member processes nothing more,
// messages to it are dropped, and each link from it loses everything that arrives after a random grace (a suffix, as a
// dying TCP connection would); every live member gets Suspected after its own detection delay, Downed (Akka MemberDowned)
// after the resolver's stable-after and Removed (MemberRemoved) once the leader's side converged. The links themselves
// are the network's (Network/SimulatedNetwork.cs). The oracle never breaks the majority of a current view and keeps at
// least two correct members.
internal sealed partial class Simulator
{
    private static readonly DeliveryOrder[] AllOrders = [DeliveryOrder.Fifo, DeliveryOrder.Causal, DeliveryOrder.Explicit, DeliveryOrder.Total];

    private readonly bool _faultsOn;
    private readonly SimulatedJoinerFactory? _joinerFactory;
    private DeterministicRandom _oracle = null!;
    /// <summary>Draws of the resolver model added later (convergence delays, pause outcomes), so that older plans keep their draws.</summary>
    private DeterministicRandom _resolver = null!;
    /// <summary>One handler per fault kind (Faults/).</summary>
    private IFault[] _faults = [];
    private List<FaultStep> _steps = null!;
    private bool _partitionActive;
    private readonly List<PartitionEvent> _partitionEvents = new();
    private int _outstanding;
    private long _faultHorizon;
    private int[] _standIn = [];
    private readonly List<CrashSpec> _crashSpecs = new();
    private readonly List<FlushTrigger> _triggers = new();
    private readonly List<(int Subject, int ThenMember)> _afterRemoved = new();
    private readonly List<(int Subject, long RemoveBase, long LastRemoved)> _failures = new();
    private readonly HashSet<MemberId> _removedEver = new();
    private readonly HashSet<MemberId> _leaveCalled = new();
    private readonly HashSet<MemberId> _joinRequestedEver = new();
    private readonly List<FaultEvent> _faultLog = new();
    private int _nextAddress;
    private int _extraBroadcasts;

    private int _lostBroadcasts;
    private int _heldBroadcasts;
    private int _membershipRefusals;
    private int _crashes;
    private int _joins;
    private int _restarts;
    private int _leaves;
    private int _falseSuspicions;
    private int _partitions;
    private int _pauses;
    private int _indirect;
    private int _rejoins;
    private int _viewInstalls;
    private long _maxViewId = 1;
    private int _snapshotsLoaded;
    private int _skippedSteps;

    private int MaxLinkDelay => _net.MaxDelayMs;
    private FaultTiming Timing => _options.FaultTiming;

    private void InitFaults()
    {
        _oracle = DeterministicRandom.ForStream(_seed, 6);
        _resolver = DeterministicRandom.ForStream(_seed, 7);
        _faults =
        [
            new CrashFaults(this), new RestartFaults(this), new JoinFaults(this), new LeaveFaults(this), new FalseSuspicionFaults(this),
            new PartitionFaults(this), new PauseFaults(this), new IndirectFaults(this), new RejoinFaults(this),
        ];
        _steps = _options.FaultScript?.ToList() ?? FaultPlanGenerator.Generate(_options, DeterministicRandom.ForStream(_seed, 5)).ToList();
        _standIn = Enumerable.Range(0, _n).ToArray();
        _nextAddress = _n;
        for (var i = 0; i < _n; i++) _history[i].Add(new ViewEvent(_view.Id, _view.Members) { TimeMs = 0 });
    }

    private void ScheduleFaultPlan()
    {
        for (var k = 0; k < _steps.Count; k++) ScheduleFault(Math.Max(0, _steps[k].AtMs), new SimEvent(EventKind.FaultStep, -1, 0, null, k));
    }

    private void ScheduleFault(long time, SimEvent e)
    {
        _outstanding++;
        if (time > _faultHorizon) _faultHorizon = time;
        Schedule(time, e);
    }

    private void Log(FaultEvent e) => _faultLog.Add(e with { TimeMs = _now });

    private enum NotifyKind { Suspected, Reachable, Removed, JoinRequested, DownedSelf, Downed }

    private void ScheduleNotify(long time, int target, NotifyKind kind, int subject) =>
        ScheduleFault(time, new SimEvent(EventKind.Notify, target, subject, null, (int)kind));

    private void ProcessFaultEvent(SimEvent e)
    {
        Hash((ulong)e.Member);
        Hash((ulong)e.From);
        Hash((ulong)e.PlanIndex);
        switch (e.Kind)
        {
            case EventKind.FaultStep:
            {
                var step = _steps[e.PlanIndex];
                var outcome = TryStep(step, out var why);
                if (outcome == StepOutcome.Retry)
                {
                    if (e.From < Timing.MaxRetries) ScheduleFault(_now + Timing.RetryMs, e with { From = e.From + 1 });
                    else Skip(step, why ?? "never possible");
                }
                else if (outcome == StepOutcome.Skip)
                {
                    Skip(step, why ?? "not possible");
                }
                break;
            }
            case EventKind.Notify:
                Notify(e.Member, (NotifyKind)e.PlanIndex, e.From);
                break;
            case EventKind.CrashNow:
                DoCrash(_crashSpecs[e.PlanIndex]);
                break;
            case EventKind.Heal:
                HealPartition();
                break;
            case EventKind.SplitComplete:
                CompleteLateSplit();
                break;
            case EventKind.Exit:
                DoExit(e.Member);
                break;
            case EventKind.Rejoin:
                DoJoin(e.Member);
                break;
            case EventKind.Resume:
                DoResume(e.Member, (PauseOutcome)e.PlanIndex);
                break;
        }
    }

    private void Skip(FaultStep step, string why)
    {
        _skippedSteps++;
        Log(new FaultSkipped(Describe(step), why));
    }

    private string Describe(FaultStep step) => _faults.FirstOrDefault(f => f.Applies(step))?.Describe(step) ?? step.GetType().Name;

    private StepOutcome TryStep(FaultStep step, out string? why)
    {
        why = null;
        if (_partitionActive)
        {
            why = "a partition is under way";
            return StepOutcome.Retry;
        }
        foreach (var fault in _faults)
        {
            if (fault.Applies(step)) return fault.Step(step, out why);
        }
        why = $"unknown fault step {step.GetType().Name}";
        return StepOutcome.Skip;
    }

    /// <summary>Alive, admitted, not stopped, not leaving, not downed.</summary>
    private bool IsActiveMember(int slot) => !_slots[slot].Failing && !_slots[slot].Joining;

    private List<int> RandomSubset(List<int> from, bool allowAll)
    {
        if (from.Count == 0) return from;
        while (true)
        {
            var subset = from.Where(_ => _oracle.Chance(0.5)).ToList();
            if (subset.Count > 0 && (allowAll || subset.Count < from.Count)) return subset;
            if (!allowAll && from.Count == 1) return new List<int>();
        }
    }

    /// <summary>A slot for a member reference, or -1. With <paramref name="forFailure"/> only members whose failure keeps the group's majority.</summary>
    private int Resolve(int reference, bool forFailure)
    {
        if (reference >= 0)
        {
            if (reference >= _members.Count || !IsActiveMember(reference)) return -1;
            return !forFailure || CanFail([reference]) ? reference : -1;
        }
        var coordinator = Coordinator();
        if (reference == MemberRef.Coordinator)
        {
            if (coordinator < 0 || !IsActiveMember(coordinator)) return -1;
            return !forFailure || CanFail([coordinator]) ? coordinator : -1;
        }
        var candidates = new List<int>();
        for (var s = 0; s < _members.Count; s++)
        {
            if (!IsActiveMember(s) || (reference == MemberRef.NotCoordinator && s == coordinator)) continue;
            if (forFailure && !CanFail([s])) continue;
            candidates.Add(s);
        }
        return candidates.Count == 0 ? -1 : candidates[_oracle.NextInt(candidates.Count)];
    }

    /// <summary>The oldest live member of the newest view a live member holds: the member that runs the flush.</summary>
    private int Coordinator()
    {
        GroupView? newest = null;
        for (var s = 0; s < _members.Count; s++)
        {
            var st = _slots[s];
            if (st.Gone || st.Stopped || st.Joining || st.View is null) continue;
            if (newest is null || st.View.Id > newest.Id) newest = st.View;
        }
        if (newest is null) return -1;
        foreach (var m in newest.Members)
        {
            if (_slotOf.TryGetValue(m, out var s) && !_slots[s].Gone && !_slots[s].Stopped && !_slots[s].Minority) return s;
        }
        return -1;
    }

    /// <summary>
    /// True when <paramref name="victims"/> may fail now: every view a live member holds keeps a strict majority of
    /// members that are not failing, and at least two; and at least two admitted members stay correct.
    /// </summary>
    private bool CanFail(IReadOnlyCollection<int> victims)
    {
        var correct = 0;
        for (var s = 0; s < _members.Count; s++)
        {
            if (IsActiveMember(s) && !victims.Contains(s)) correct++;
        }
        if (correct < 2) return false;
        var checkedViews = new HashSet<long>();
        for (var s = 0; s < _members.Count; s++)
        {
            var st = _slots[s];
            if (st.Gone || st.Stopped || st.Joining || st.View is null || !checkedViews.Add(st.View.Id)) continue;
            var alive = 0;
            foreach (var m in st.View.Members)
            {
                if (_slotOf.TryGetValue(m, out var j) && !_slots[j].Failing && !victims.Contains(j)) alive++;
            }
            if (alive * 2 <= st.View.Size || alive < 2) return false;
        }
        return true;
    }

    private void DoCrash(CrashSpec spec)
    {
        var victim = spec.Victim >= 0 ? spec.Victim : Resolve(spec.Victim, forFailure: true);
        if (victim < 0)
        {
            _skippedSteps++;
            Log(new FaultSkipped($"{spec.Why} of {MemberRef.Format(spec.Victim)}", "no member can crash without breaking the majority"));
            return;
        }
        var s = _slots[victim];
        if (s.Gone || s.Stopped || !CanFail([victim]))
        {
            _skippedSteps++;
            Log(new FaultSkipped($"{spec.Why} of {_ids[victim]}", s.Gone || s.Stopped ? "it is gone" : "it would break the majority"));
            return;
        }
        var wasCoordinator = victim == Coordinator();
        s.Crashed = true;
        _net.Kill(victim);
        s.Held.Clear();
        _crashes++;
        _history[victim].Add(new CrashEvent { TimeMs = _now });
        Log(new MemberCrashed(_ids[victim], spec.Cause, spec.Why, wasCoordinator, SafePhase(victim)));
        Hash(0xC4A5);
        Hash((ulong)victim);

        // Each link from the victim keeps what arrives within a random grace (none for a partial-receipt crash).
        for (var y = 0; y < _members.Count; y++)
        {
            if (y != victim) _net.CutAfter(victim, y, _now + (spec.Grace ? _oracle.NextInt(0, MaxLinkDelay) : 0));
        }

        var lastRemoved = NotifyFailure(victim);
        if (spec.Restart) ScheduleFault(lastRemoved + _oracle.NextInt(Timing.RestartDelayMinMs, Timing.RestartDelayMaxMs), new SimEvent(EventKind.Rejoin, victim, -1, null, -1));

        switch (spec.Then)
        {
            case FollowUp.CrashAfterFirstRemoved:
                _afterRemoved.Add((victim, spec.ThenMember));
                break;
            case FollowUp.CrashWhenFlushing:
            case FollowUp.CrashCoordinatorWhenFlushing:
                _triggers.Add(new FlushTrigger(spec.Then, spec.FlushSteps, _now + Timing.TriggerLifetimeMs));
                break;
        }
    }

    private MemberPhase? SafePhase(int slot)
    {
        try { return _members[slot].Phase; }
        catch (NotImplementedException) { return null; }
    }

    /// <summary>Every live member suspects <paramref name="subject"/> after its detection delay and sees it removed after the stable-after. Returns the last removal time.</summary>
    private long NotifyFailure(int subject)
    {
        var observers = new List<int>();
        for (var y = 0; y < _members.Count; y++)
        {
            if (y != subject && !_slots[y].Gone && !_slots[y].Stopped) observers.Add(y);
        }
        var maxDetect = Detect(observers.Select(y => (y, subject)), _oracle);
        var removeBase = _now + maxDetect + _oracle.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);
        return DownThenRemove(observers, subject, removeBase, _oracle);
    }

    /// <summary>Each observer's failure detector marks its subject unreachable after its own detection delay. Returns the longest delay.</summary>
    private long Detect(IEnumerable<(int Observer, int Subject)> pairs, DeterministicRandom random)
    {
        long maxDetect = 0;
        foreach (var (observer, subject) in pairs)
        {
            var d = random.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
            maxDetect = Math.Max(maxDetect, d);
            ScheduleNotify(_now + d, observer, NotifyKind.Suspected, subject);
        }
        return maxDetect;
    }

    /// <summary>
    /// The resolver of the side that goes on downs <paramref name="subject"/> at <paramref name="decision"/>; each observer
    /// learns it within the gossip spread (MemberDowned) and sees it removed once the leader's side converged
    /// (MemberRemoved). Returns the last removal time.
    /// </summary>
    private long DownThenRemove(List<int> observers, int subject, long decision, DeterministicRandom spread)
    {
        var lastRemoved = decision;
        foreach (var y in observers)
        {
            var at = decision + spread.NextInt(0, Timing.SpreadMs);
            var removedAt = at + Convergence();
            lastRemoved = Math.Max(lastRemoved, removedAt);
            ScheduleNotify(at, y, NotifyKind.Downed, subject);
            ScheduleNotify(removedAt, y, NotifyKind.Removed, subject);
        }
        _failures.Add((subject, decision, lastRemoved));
        return lastRemoved;
    }

    private int Convergence() => _resolver.NextInt(Timing.ConvergenceMinMs, Timing.ConvergenceMaxMs);

    private void Notify(int target, NotifyKind kind, int subject)
    {
        var t = _slots[target];
        if (t.Gone || t.Stopped) return;
        if (t.Paused)
        {
            // A stopped process reads its event stream when it resumes, in the order the events were published.
            ScheduleNotify(t.ResumeAt, target, kind, subject);
            return;
        }
        var id = subject >= 0 ? _ids[subject] : default;
        _current = target;
        var member = _members[target];
        switch (kind)
        {
            case NotifyKind.Suspected:
                member.Suspected(id);
                break;
            case NotifyKind.Reachable:
                member.Reachable(id);
                break;
            case NotifyKind.Removed:
                _removedEver.Add(id);
                Quarantine(target, subject);
                member.Removed(id);
                break;
            case NotifyKind.Downed:
                if (subject == target) t.Downed = true;
                member.Downed(id);
                break;
            case NotifyKind.JoinRequested:
                _joinRequestedEver.Add(id);
                member.JoinRequested(id);
                break;
            case NotifyKind.DownedSelf:
                t.Downed = true;
                member.DownedSelf();
                break;
        }
        Drain(target);
        AfterEvent(target);

        if (kind == NotifyKind.Removed)
        {
            for (var k = 0; k < _afterRemoved.Count; k++)
            {
                if (_afterRemoved[k].Subject != subject) continue;
                var then = _afterRemoved[k].ThenMember;
                _afterRemoved.RemoveAt(k--);
                _crashSpecs.Add(new CrashSpec(then, CrashCause.AfterFirstRemoved, $"second crash after {_ids[subject]} was first removed (at {_ids[target]})", FollowUp.None, 0, 0, Restart: false, Grace: true));
                ScheduleFault(_now + _oracle.NextInt(0, 10), new SimEvent(EventKind.CrashNow, then, -1, null, _crashSpecs.Count - 1));
            }
        }
    }

    /// <summary>After member <paramref name="slot"/> processed an event: fire crash triggers that wait for a flush.</summary>
    private void AfterEvent(int slot)
    {
        if (_triggers.Count == 0) return;
        var st = _slots[slot];
        for (var k = 0; k < _triggers.Count; k++)
        {
            var trigger = _triggers[k];
            if (_now > trigger.Expires)
            {
                Log(new TriggerExpired(trigger.Kind));
                _triggers.RemoveAt(k--);
                continue;
            }
            if (st.Gone || st.Stopped || st.Joining || _members[slot].Phase != MemberPhase.Flushing) continue;
            var coordinator = Coordinator();
            var wanted = trigger.Kind == FollowUp.CrashCoordinatorWhenFlushing ? slot == coordinator : slot != coordinator;
            if (!wanted) continue;
            if (trigger.Steps-- > 0) continue;
            if (!CanFail([slot])) continue;
            _triggers.RemoveAt(k--);
            var coordinatorCrash = trigger.Kind == FollowUp.CrashCoordinatorWhenFlushing;
            DoCrash(new CrashSpec(slot, coordinatorCrash ? CrashCause.CoordinatorMidFlush : CrashCause.MidFlush, coordinatorCrash ? "coordinator crash mid-flush" : "second crash mid-flush",
                FollowUp.None, 0, 0, Restart: false, Grace: true));
            return;
        }
    }

    /// <summary>A new member joins: at a new address, or (<paramref name="restartOf"/>) as the next incarnation at that slot's address. Returns its slot.</summary>
    private int DoJoin(int restartOf, bool rejoin = false)
    {
        if (_joinerFactory is null) return -1;
        var id = restartOf >= 0 ? new MemberId(_ids[restartOf].Address, _ids[restartOf].Incarnation + 1) : new MemberId($"m{_nextAddress++}", 1);
        while (_slotOf.ContainsKey(id)) id = id with { Incarnation = id.Incarnation + 1 };
        var slot = AddSlot(id, _joinerFactory(id, _settings, _now), null);
        if (rejoin) { }
        else if (restartOf >= 0) _restarts++;
        else _joins++;
        Log(new MemberStarted(id, restartOf >= 0 ? _ids[restartOf] : null, rejoin));
        Hash(0x10E);
        Hash((ulong)slot);
        foreach (var split in _partitionEvents) _history[slot].Add(split with { TimeMs = _now });
        for (var y = 0; y < _members.Count; y++)
        {
            if (y == slot || _slots[y].Gone || _slots[y].Stopped) continue;
            ScheduleNotify(_now + _oracle.NextInt(0, Timing.SpreadMs), y, NotifyKind.JoinRequested, slot);
        }
        // Gossip tells a new node about failures the cluster has not finished removing.
        foreach (var (subject, removeBase, lastRemoved) in _failures)
        {
            if (lastRemoved < _now || subject == restartOf) continue;
            if (removeBase > _now) ScheduleNotify(_now + _oracle.NextInt(0, Math.Max(0, (int)Math.Min(int.MaxValue, removeBase - _now - 1))), slot, NotifyKind.Suspected, subject);
            ScheduleNotify(Math.Max(_now, removeBase) + _oracle.NextInt(0, Timing.SpreadMs), slot, NotifyKind.Removed, subject);
        }
        return slot;
    }

    private void DoLeave(int slot)
    {
        _slots[slot].Leaving = true;
        _leaveCalled.Add(_ids[slot]);
        _leaves++;
        Log(new MemberLeaves(_ids[slot]));
        Hash(0x1EA7);
        Hash((ulong)slot);
        _current = slot;
        _members[slot].Leave();
        Drain(slot);
        AfterEvent(slot);
    }

    private void DoExit(int slot)
    {
        var s = _slots[slot];
        if (s.Gone) return;
        s.Exited = true;
        _net.Kill(slot);
        Log(new NodeExited(_ids[slot]));
        for (var y = 0; y < _members.Count; y++)
        {
            if (y != slot) _net.CutAfter(slot, y, _now + MaxLinkDelay);
        }
        for (var y = 0; y < _members.Count; y++)
        {
            if (y == slot || _slots[y].Gone || _slots[y].Stopped) continue;
            ScheduleNotify(_now + _oracle.NextInt(0, Timing.SpreadMs), y, NotifyKind.Removed, slot);
        }
    }

    /// <summary>The slot that broadcasts for planned member <paramref name="planned"/>: its own slot while it can, then a stand-in.</summary>
    private int BroadcasterFor(int planned)
    {
        var s = _standIn[planned];
        if (s >= 0 && _slots[s].Usable) return s;
        var candidates = new List<int>();
        for (var k = 0; k < _members.Count; k++)
        {
            if (_slots[k].Usable) candidates.Add(k);
        }
        if (candidates.Count == 0) return -1;
        s = candidates[_oracle.NextInt(candidates.Count)];
        _standIn[planned] = s;
        return s;
    }

    private void OnMembershipEffect(int i, Effect effect)
    {
        var s = _slots[i];
        switch (effect)
        {
            case ViewInstalled v:
            {
                var view = v.View;
                Hash(0x71E);
                Hash((ulong)view.Id);
                _viewInstalls++;
                _maxViewId = Math.Max(_maxViewId, view.Id);
                _history[i].Add(new ViewEvent(view.Id, view.Members) { TimeMs = _now });
                s.Installs.Add(ClusterFactsAt(view, s.Joining ? null : s.View));
                SetView(i, view);
                if (s.Joining)
                {
                    s.Joining = false;
                    Admit(i);
                }
                s.RefusesBroadcasts = false;
                break;
            }
            case PeerSuspected:
                Hash(0x5A5);
                break;
            case PeerReachable:
                Hash(0x8EA);
                break;
            case Stopped stop:
                Hash(0x5709);
                Hash((ulong)stop.Reason);
                s.Stopped = true;
                s.StopReason = stop.Reason;
                s.Held.Clear();
                _history[i].Add(new StopEvent(stop.Reason, stop.Detail) { TimeMs = _now });
                Log(new MemberStopped(_ids[i], stop.Reason));
                if (stop.Reason == StopReason.Left && !s.Gone && _oracle.Chance(Timing.ExitAfterLeaveProbability))
                    ScheduleFault(_now + _oracle.NextInt(Timing.ExitAfterLeaveMinMs, Timing.ExitAfterLeaveMaxMs), new SimEvent(EventKind.Exit, i, -1, null, -1));
                break;
            case TakeSnapshot take:
                Hash(0x7A4E);
                Hash((ulong)take.ViewId);
                _members[i].ProvideSnapshot(take.ViewId, SnapshotCodec.Encode(_deliveredList[i]));
                break;
            case LoadSnapshot load:
            {
                var ids = SnapshotCodec.Decode(load.Snapshot.Span);
                Hash(0x10AD);
                Hash((ulong)load.ViewId);
                Hash((ulong)ids.Length);
                _snapshotsLoaded++;
                _history[i].Add(new SnapshotLoadEvent(load.ViewId, ids.ToImmutableArray()) { TimeMs = _now });
                _deliveredList[i] = new List<MessageId>(ids);
                _deliveredSet[i] = new HashSet<MessageId>(ids);
                break;
            }
            case HeldBroadcastSent sent:
                Hash(0x4E1E);
                Hash((ulong)sent.Ticket);
                HashId(sent.Id);
                RecordHeldSend(i, sent.Ticket, sent.Id);
                break;
        }
    }

    private void RecordHeldSend(int i, long ticket, MessageId id)
    {
        if (_slots[i].Held.Remove(ticket, out var info))
        {
            _history[i].Add(SendEvent.Of(id, info.Order, info.DependsOn, _now));
        }
        else
        {
            _slots[i].UnknownTickets.Add((ticket, id));
        }
    }

    /// <summary>What the cluster had done, by now, to the members of <paramref name="view"/> and <paramref name="previous"/>: facts for the membership check.</summary>
    private InstallFacts ClusterFactsAt(GroupView view, GroupView? previous)
    {
        var involved = previous is null ? view.Members.ToList() : view.Members.Union(previous.Members).ToList();
        return new InstallFacts(
            view.Id,
            view.Members,
            previous?.Members,
            involved.Where(_removedEver.Contains).ToImmutableArray(),
            involved.Where(_leaveCalled.Contains).ToImmutableArray(),
            involved.Where(_joinRequestedEver.Contains).ToImmutableArray(),
            involved.Where(m => _slotOf.TryGetValue(m, out var j) && j < _n).ToImmutableArray(),
            involved.Where(_slotOf.ContainsKey).ToImmutableArray(),
            _now);
    }

    /// <summary>A joiner was admitted: it broadcasts for a planned member that cannot any more, or takes one over half the time.</summary>
    private void Admit(int slot)
    {
        for (var p = 0; p < _standIn.Length; p++)
        {
            if (!_slots[_standIn[p]].Usable)
            {
                _standIn[p] = slot;
                return;
            }
        }
        if (_standIn.Length > 0 && _oracle.Chance(0.5)) _standIn[_oracle.NextInt(_standIn.Length)] = slot;
    }

    /// <summary>
    /// The run may stop: no membership event pending, every member that left or was downed stopped, every correct member
    /// in normal phase in one common view of exactly the correct members, with no held broadcast and empty buffers.
    /// This only decides when the run ends; what is wrong with a run that never got here is judged by the checks from the
    /// end-of-run facts (<see cref="Checking.Checks.LivenessAtEndCheck"/>).
    /// </summary>
    private bool IsQuiescentWithFaults()
    {
        if (_outstanding > 0) return false;
        var correct = new HashSet<MemberId>();
        GroupView? common = null;
        for (var s = 0; s < _members.Count; s++)
        {
            var st = _slots[s];
            if (st.Gone) continue;
            if ((st.Leaving || st.Downed) && !st.Stopped) return false;
            if (!st.Correct) continue;
            if (st.Joining || _members[s].Phase != MemberPhase.Normal || st.View is null) return false;
            if (common is null) common = st.View;
            else if (common.Id != st.View.Id) return false;
            if (st.Held.Count > 0 || _members[s].BufferedMessages != 0) return false;
            correct.Add(_ids[s]);
        }
        return common is null || correct.SetEquals(common.Members);
    }

    private FaultSummary BuildFaultSummary() => new()
    {
        Plan = _steps.Select(Describe).ToImmutableArray(),
        Log = _faultLog.Select(e => e.ToString()).ToImmutableArray(),
        Events = _faultLog.ToImmutableArray(),
        Crashes = _crashes,
        Joins = _joins,
        Restarts = _restarts,
        Leaves = _leaves,
        FalseSuspicions = _falseSuspicions,
        Partitions = _partitions,
        Pauses = _pauses,
        IndirectlyConnected = _indirect,
        Rejoins = _rejoins,
        ViewInstalls = _viewInstalls,
        MaxViewId = _maxViewId,
        HeldBroadcasts = _heldBroadcasts,
        SnapshotsLoaded = _snapshotsLoaded,
        MembershipRefusals = _membershipRefusals,
        LostBroadcasts = _lostBroadcasts,
        SkippedSteps = _skippedSteps,
    };

    /// <summary>
    /// Down-all-when-unstable runs on every node of the minority: each downs every node it knows (its whole view), peers
    /// first in no particular order and itself last, one MemberDowned each.
    /// </summary>
    private void ScheduleDownAll(List<int> nodes, long[] at)
    {
        for (var k = 0; k < nodes.Count; k++)
        {
            var a = nodes[k];
            var peers = (_slots[a].ViewSlots ?? []).Where(y => y >= 0 && y != a).ToList();
            Shuffle(peers, _resolver);
            var t = at[k];
            foreach (var y in peers) ScheduleNotify(t++, a, NotifyKind.Downed, y);
            ScheduleNotify(t, a, NotifyKind.Downed, a);
        }
        Log(new DownAllDecided(nodes.Select(a => _ids[a]).ToImmutableArray()));
    }

    private static void Shuffle(List<int> list, DeterministicRandom random)
    {
        for (var k = list.Count - 1; k > 0; k--)
        {
            var j = random.NextInt(k + 1);
            (list[k], list[j]) = (list[j], list[k]);
        }
    }

    /// <summary>Once <paramref name="at"/> removed <paramref name="subject"/>, Akka quarantines it: nothing more passes between the two.</summary>
    private void Quarantine(int at, int subject)
    {
        if (subject < 0 || subject == at) return;
        _net.CutBy(subject, at, _now);
        _net.CutBy(at, subject, _now);
    }

    private sealed record CrashSpec(int Victim, CrashCause Cause, string Why, FollowUp Then, int ThenMember, int FlushSteps, bool Restart, bool Grace);

    private sealed class FlushTrigger(FollowUp kind, int steps, long expires)
    {
        public FollowUp Kind { get; } = kind;
        public int Steps { get; set; } = steps;
        public long Expires { get; } = expires;
    }

    private sealed class SlotState
    {
        public GroupView? View;
        /// <summary>Slots of <see cref="View"/>'s members, in rank order (-1: unknown member).</summary>
        public int[]? ViewSlots;
        public bool Joining;
        public bool Crashed;
        public bool Exited;
        public bool Stopped;
        public StopReason? StopReason;
        public bool Downed;
        public bool Minority;
        public bool Leaving;
        /// <summary>The process is stopped (SIGSTOP) until <see cref="ResumeAt"/>.</summary>
        public bool Paused;
        public long ResumeAt;
        /// <summary>The cluster downs and removes this member (it may not know yet, or never).</summary>
        public bool Excluded;
        public bool RefusesBroadcasts;
        public long CreatedAt;
        public readonly Dictionary<long, (DeliveryOrder Order, ImmutableArray<MessageId> DependsOn)> Held = new();
        /// <summary>The cluster's membership at each of this member's view installs (facts for the membership check).</summary>
        public readonly List<InstallFacts> Installs = new();
        /// <summary>HeldBroadcastSent effects for tickets this member never handed out.</summary>
        public readonly List<(long Ticket, MessageId Id)> UnknownTickets = new();

        /// <summary>The process is dead (crashed, or shut down after leaving): it processes nothing.</summary>
        public bool Gone => Crashed || Exited;
        /// <summary>Counts against the majority: dead, stopped, downed, cut off on the minority side, or leaving.</summary>
        public bool Failing => Gone || Stopped || Downed || Minority || Leaving || Paused || Excluded;
        /// <summary>Never crashed, stopped, downed, cut off or leaving (so far).</summary>
        public bool Correct => !Failing;
        public bool Usable => !Failing && !Joining && !RefusesBroadcasts;
    }
}

/// <summary>What the membership oracle did in one schedule.</summary>
public sealed record FaultSummary
{
    /// <summary>The fault plan, one line per step.</summary>
    public ImmutableArray<string> Plan { get; init; } = ImmutableArray<string>.Empty;
    /// <summary>What happened, with virtual times, as text (one line per <see cref="Events"/> entry).</summary>
    public ImmutableArray<string> Log { get; init; } = ImmutableArray<string>.Empty;
    /// <summary>What happened, as typed events in order.</summary>
    public ImmutableArray<FaultEvent> Events { get; init; } = ImmutableArray<FaultEvent>.Empty;
    public int Crashes { get; init; }
    public int Joins { get; init; }
    public int Restarts { get; init; }
    public int Leaves { get; init; }
    public int FalseSuspicions { get; init; }
    public int Partitions { get; init; }
    public int Pauses { get; init; }
    /// <summary>Pairs of members downed as indirectly connected.</summary>
    public int IndirectlyConnected { get; init; }
    /// <summary>Leave-then-join-again rounds (each a leave and a new incarnation at the same address).</summary>
    public int Rejoins { get; init; }
    /// <summary>ViewInstalled effects over all members.</summary>
    public int ViewInstalls { get; init; }
    public long MaxViewId { get; init; }
    /// <summary>Broadcasts accepted while a view change was under way (held, sent in the next view).</summary>
    public int HeldBroadcasts { get; init; }
    public int SnapshotsLoaded { get; init; }
    /// <summary>Broadcasts refused as NotAMember or Stopped (routed to another member and retried).</summary>
    public int MembershipRefusals { get; init; }
    /// <summary>Planned broadcasts dropped because no member could send them.</summary>
    public int LostBroadcasts { get; init; }
    /// <summary>Fault steps that never became possible without breaking the group's majority.</summary>
    public int SkippedSteps { get; init; }
}
