using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Network;

namespace ActorCausal.Simulation;

/// <summary>
/// The membership oracle: what Akka.Cluster and its split-brain resolver do when members crash, are cut off, join, leave
/// or come back, in virtual time. The fault kinds (Faults/, behind <see cref="IFault"/>) act through it and the network.
/// </summary>
/// <remarks>
/// Crash: the member processes nothing more, messages to it are dropped, and each link from it loses everything that
/// arrives after a random grace (a suffix, as a dying TCP connection would); every live member gets Suspected after its
/// own detection delay, Downed (Akka MemberDowned) after the resolver's stable-after and Removed (MemberRemoved) once the
/// leader's side converged. The links themselves are the network's (Network/SimulatedNetwork.cs). The oracle never
/// breaks the majority of a current view and keeps at least two correct members.
/// </remarks>
internal sealed class MembershipOracle
{
    public static readonly DeliveryOrder[] AllOrders = [DeliveryOrder.Fifo, DeliveryOrder.Causal, DeliveryOrder.Explicit, DeliveryOrder.Total];

    private readonly SimulationWorld _world;
    private readonly Action<int> _drain;
    private readonly SimulatedJoinerFactory? _joinerFactory;
    private readonly Dictionary<EventKind, Action<SimEvent>> _followUps = new();
    /// <summary>One handler per fault kind (Faults/).</summary>
    private IFault[] _faults = [];
    private List<FaultStep> _steps = null!;
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

    public MembershipOracle(SimulationWorld world, Action<int> drain, SimulatedJoinerFactory? joinerFactory)
    {
        _world = world;
        _drain = drain;
        _joinerFactory = joinerFactory;
    }

    public SimulatedNetwork Net => _world.Net;
    public long Now => _world.Now;
    public List<MemberId> Ids => _world.Ids;
    public List<ISimulatedMember> Members => _world.Members;
    public List<SlotState> Slots => _world.Slots;
    public Dictionary<MemberId, int> SlotOf => _world.SlotOf;
    public List<List<HistoryEvent>> History => _world.History;
    public FaultTiming Timing => _world.Options.FaultTiming;
    public int MaxLinkDelay => Net.MaxDelayMs;
    /// <summary>The oracle's draws (member choices, detection delays of crashes and partitions).</summary>
    public DeterministicRandom Random { get; private set; } = null!;
    /// <summary>Draws of the resolver model added later (convergence delays, pause outcomes), so that older plans keep their draws.</summary>
    public DeterministicRandom ResolverRandom { get; private set; } = null!;
    /// <summary>What happened, counted for the summary.</summary>
    public FaultCounts Counts { get; } = new();
    /// <summary>A partition is under way: no other fault step runs until its links heal.</summary>
    public bool PartitionActive { get; set; }
    /// <summary>Crash triggers wait for a flush: no partition starts meanwhile.</summary>
    public bool TriggersPending => _triggers.Count > 0;
    /// <summary>The latest time of a scheduled membership event.</summary>
    public long FaultHorizon => _faultHorizon;
    /// <summary>Membership events scheduled and not processed yet.</summary>
    public int Outstanding => _outstanding;
    public bool CanJoin => _joinerFactory is not null;

    /// <summary>Starts the fault plan of a group whose founding members hold <paramref name="initial"/>.</summary>
    public void Init(GroupView? initial)
    {
        Random = DeterministicRandom.ForStream(_world.Seed, 6);
        ResolverRandom = DeterministicRandom.ForStream(_world.Seed, 7);
        _faults =
        [
            new CrashFaults(this), new RestartFaults(this), new JoinFaults(this), new LeaveFaults(this), new FalseSuspicionFaults(this),
            new PartitionFaults(this), new PauseFaults(this), new IndirectFaults(this), new RejoinFaults(this),
        ];
        _steps = _world.Options.FaultScript?.ToList() ?? FaultPlanGenerator.Generate(_world.Options, DeterministicRandom.ForStream(_world.Seed, 5)).ToList();
        _standIn = Enumerable.Range(0, _world.Founders).ToArray();
        _nextAddress = _world.Founders;
        if (initial is null) return;
        for (var i = 0; i < _world.Founders; i++) History[i].Add(new ViewEvent(initial.Id, initial.Members) { TimeMs = 0 });
    }

    /// <summary>Founding schedules: a removed member's node is gone for founding too (a joiner stops waiting for its answer).</summary>
    public bool TellsNodeGone { get; set; }

    /// <summary><paramref name="member"/> asked to join (an announcement or a merge offer): a fact for the membership check.</summary>
    public void AskedToJoin(MemberId member) => _joinRequestedEver.Add(member);

    /// <summary>
    /// <paramref name="member"/>, admitted by two groups of its name at once, took the other's welcome and declined this
    /// one: for the membership check it left this group by its own wish, as a leaver does.
    /// </summary>
    public void DeclinedWelcome(MemberId member) => _leaveCalled.Add(member);

    /// <summary>A fault kind handles the membership events of <paramref name="kind"/> it scheduled (a heal, a resume).</summary>
    public void OnEvent(EventKind kind, Action<SimEvent> handler) => _followUps.Add(kind, handler);

    public void Hash(ulong value) => _world.Hash(value);

    /// <summary>The slot whose input is being processed (named when the protocol throws).</summary>
    public int Current
    {
        get => _world.Current;
        set => _world.Current = value;
    }

    /// <summary>Hands slot <paramref name="slot"/>'s effects to the driver (sends, deliveries, views).</summary>
    public void Drain(int slot) => _drain(slot);

    /// <summary>A failure the cluster has not finished removing until <paramref name="lastRemoved"/>: gossip tells joiners about it.</summary>
    public void AddFailure(int subject, long removeBase, long lastRemoved) => _failures.Add((subject, removeBase, lastRemoved));

    /// <summary><paramref name="spec"/>'s victim crashes at <paramref name="at"/> (if it still may then).</summary>
    public void ScheduleCrash(long at, CrashSpec spec)
    {
        _crashSpecs.Add(spec);
        ScheduleFault(at, new SimEvent(EventKind.CrashNow, spec.Victim, -1, null, _crashSpecs.Count - 1));
    }

    /// <summary>One more fault step, due at <paramref name="step"/>'s time (a repeated round of a step).</summary>
    public void ScheduleStep(FaultStep step)
    {
        _steps.Add(step);
        ScheduleFault(step.AtMs, new SimEvent(EventKind.FaultStep, -1, 0, null, _steps.Count - 1));
    }

    /// <summary>
    /// A broadcast the workload did not plan (a fault's own, or a resumed member's application going on), recorded as
    /// sent or held; <paramref name="tag"/> marks it in the trace. The caller drains the member.
    /// </summary>
    public BroadcastResult BroadcastUnplanned(int slot, DeliveryOrder order, string prefix, ulong tag)
    {
        Current = slot;
        var result = Members[slot].Broadcast(prefix + _world.ExtraBroadcasts++, order, null);
        Hash(tag);
        Hash((ulong)result.Refusal);
        if (!result.Accepted) return result;
        _world.Accepted++;
        _world.LastBroadcastMs = Now;
        if (result.IsHeld)
        {
            Slots[slot].Held[result.Ticket] = (order, ImmutableArray<MessageId>.Empty);
            _world.HeldBroadcasts++;
        }
        else
        {
            History[slot].Add(new SendEvent(result.Id, order) { TimeMs = Now });
        }
        return result;
    }

    public void ScheduleFaultPlan()
    {
        for (var k = 0; k < _steps.Count; k++) ScheduleFault(Math.Max(0, _steps[k].AtMs), new SimEvent(EventKind.FaultStep, -1, 0, null, k));
    }

    public void ScheduleFault(long time, SimEvent e)
    {
        _outstanding++;
        if (time > _faultHorizon) _faultHorizon = time;
        _world.Schedule(time, e);
    }

    public void Log(FaultEvent e) => _faultLog.Add(e with { TimeMs = Now });

    public enum NotifyKind { Suspected, Reachable, Removed, JoinRequested, DownedSelf, Downed }

    public void ScheduleNotify(long time, int target, NotifyKind kind, int subject) =>
        ScheduleFault(time, new SimEvent(EventKind.Notify, target, subject, null, (int)kind));

    /// <summary>Processes one membership event this oracle or a fault kind scheduled.</summary>
    public void Process(SimEvent e)
    {
        _outstanding--;
        _world.Hash((ulong)e.Member);
        _world.Hash((ulong)e.From);
        _world.Hash((ulong)e.PlanIndex);
        switch (e.Kind)
        {
            case EventKind.FaultStep:
            {
                var step = _steps[e.PlanIndex];
                var outcome = TryStep(step, out var why);
                if (outcome == StepOutcome.Retry)
                {
                    if (e.From < Timing.MaxRetries) ScheduleFault(Now + Timing.RetryMs, e with { From = e.From + 1 });
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
            case EventKind.Exit:
                DoExit(e.Member);
                break;
            case EventKind.Rejoin:
                DoJoin(e.Member);
                break;
            default:
                _followUps[e.Kind](e);
                break;
        }
    }

    public void Skip(FaultStep step, string why)
    {
        Counts.SkippedSteps++;
        Log(new FaultSkipped(Describe(step), why));
    }

    public string Describe(FaultStep step) => _faults.FirstOrDefault(f => f.Applies(step))?.Describe(step) ?? step.GetType().Name;

    public StepOutcome TryStep(FaultStep step, out string? why)
    {
        why = null;
        if (PartitionActive)
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
    public bool IsActiveMember(int slot) => !Slots[slot].Failing && !Slots[slot].Joining;

    public List<int> RandomSubset(List<int> from, bool allowAll)
    {
        if (from.Count == 0) return from;
        while (true)
        {
            var subset = from.Where(_ => Random.Chance(0.5)).ToList();
            if (subset.Count > 0 && (allowAll || subset.Count < from.Count)) return subset;
            if (!allowAll && from.Count == 1) return new List<int>();
        }
    }

    /// <summary>A slot for a member reference, or -1. With <paramref name="forFailure"/> only members whose failure keeps the group's majority.</summary>
    public int Resolve(int reference, bool forFailure)
    {
        if (reference >= 0)
        {
            if (reference >= Members.Count || !IsActiveMember(reference)) return -1;
            return !forFailure || CanFail([reference]) ? reference : -1;
        }
        var coordinator = Coordinator();
        if (reference == MemberRef.Coordinator)
        {
            if (coordinator < 0 || !IsActiveMember(coordinator)) return -1;
            return !forFailure || CanFail([coordinator]) ? coordinator : -1;
        }
        var candidates = new List<int>();
        for (var s = 0; s < Members.Count; s++)
        {
            if (!IsActiveMember(s) || (reference == MemberRef.NotCoordinator && s == coordinator)) continue;
            if (forFailure && !CanFail([s])) continue;
            candidates.Add(s);
        }
        return candidates.Count == 0 ? -1 : candidates[Random.NextInt(candidates.Count)];
    }

    /// <summary>The oldest live member of the newest view a live member holds: the member that runs the flush.</summary>
    public int Coordinator()
    {
        GroupView? newest = null;
        for (var s = 0; s < Members.Count; s++)
        {
            var st = Slots[s];
            if (st.Gone || st.Stopped || st.Joining || st.View is null) continue;
            if (newest is null || st.View.Id > newest.Id) newest = st.View;
        }
        if (newest is null) return -1;
        foreach (var m in newest.Members)
        {
            if (SlotOf.TryGetValue(m, out var s) && !Slots[s].Gone && !Slots[s].Stopped && !Slots[s].Minority) return s;
        }
        return -1;
    }

    /// <summary>
    /// True when <paramref name="victims"/> may fail now: every view a live member holds keeps a strict majority of
    /// members that are not failing, and at least two; and at least two admitted members stay correct.
    /// </summary>
    public bool CanFail(IReadOnlyCollection<int> victims)
    {
        var correct = 0;
        for (var s = 0; s < Members.Count; s++)
        {
            if (IsActiveMember(s) && !victims.Contains(s)) correct++;
        }
        if (correct < 2) return false;
        var checkedViews = new HashSet<long>();
        for (var s = 0; s < Members.Count; s++)
        {
            var st = Slots[s];
            if (st.Gone || st.Stopped || st.Joining || st.View is null || !checkedViews.Add(st.View.Id)) continue;
            var alive = 0;
            foreach (var m in st.View.Members)
            {
                if (SlotOf.TryGetValue(m, out var j) && !Slots[j].Failing && !victims.Contains(j)) alive++;
            }
            if (alive * 2 <= st.View.Size || alive < 2) return false;
        }
        return true;
    }

    public void DoCrash(CrashSpec spec)
    {
        var victim = spec.Victim >= 0 ? spec.Victim : Resolve(spec.Victim, forFailure: true);
        if (victim < 0)
        {
            Counts.SkippedSteps++;
            Log(new FaultSkipped($"{spec.Why} of {MemberRef.Format(spec.Victim)}", "no member can crash without breaking the majority"));
            return;
        }
        var s = Slots[victim];
        if (s.Gone || s.Stopped || !CanFail([victim]))
        {
            Counts.SkippedSteps++;
            Log(new FaultSkipped($"{spec.Why} of {Ids[victim]}", s.Gone || s.Stopped ? "it is gone" : "it would break the majority"));
            return;
        }
        var wasCoordinator = victim == Coordinator();
        s.Crashed = true;
        Net.Kill(victim);
        s.Held.Clear();
        Counts.Crashes++;
        History[victim].Add(new CrashEvent { TimeMs = Now });
        Log(new MemberCrashed(Ids[victim], spec.Cause, spec.Why, wasCoordinator, SafePhase(victim)));
        _world.Hash(0xC4A5);
        _world.Hash((ulong)victim);

        // Each link from the victim keeps what arrives within a random grace (none for a partial-receipt crash).
        for (var y = 0; y < Members.Count; y++)
        {
            if (y != victim) Net.CutAfter(victim, y, Now + (spec.Grace ? Random.NextInt(0, MaxLinkDelay) : 0));
        }

        var lastRemoved = NotifyFailure(victim);
        if (spec.Restart) ScheduleFault(lastRemoved + Random.NextInt(Timing.RestartDelayMinMs, Timing.RestartDelayMaxMs), new SimEvent(EventKind.Rejoin, victim, -1, null, -1));

        switch (spec.Then)
        {
            case FollowUp.CrashAfterFirstRemoved:
                _afterRemoved.Add((victim, spec.ThenMember));
                break;
            case FollowUp.CrashWhenFlushing:
            case FollowUp.CrashCoordinatorWhenFlushing:
                _triggers.Add(new FlushTrigger(spec.Then, spec.FlushSteps, Now + Timing.TriggerLifetimeMs));
                break;
        }
    }

    public MemberPhase? SafePhase(int slot)
    {
        try { return Members[slot].Phase; }
        catch (NotImplementedException) { return null; }
    }

    /// <summary>Every live member suspects <paramref name="subject"/> after its detection delay and sees it removed after the stable-after. Returns the last removal time.</summary>
    public long NotifyFailure(int subject)
    {
        var observers = new List<int>();
        for (var y = 0; y < Members.Count; y++)
        {
            if (y != subject && !Slots[y].Gone && !Slots[y].Stopped) observers.Add(y);
        }
        var maxDetect = Detect(observers.Select(y => (y, subject)), Random);
        var removeBase = Now + maxDetect + Random.NextInt(Timing.StableAfterMinMs, Timing.StableAfterMaxMs);
        return DownThenRemove(observers, subject, removeBase, Random);
    }

    /// <summary>Each observer's failure detector marks its subject unreachable after its own detection delay. Returns the longest delay.</summary>
    public long Detect(IEnumerable<(int Observer, int Subject)> pairs, DeterministicRandom random)
    {
        long maxDetect = 0;
        foreach (var (observer, subject) in pairs)
        {
            var d = random.NextInt(Timing.DetectionMinMs, Timing.DetectionMaxMs);
            maxDetect = Math.Max(maxDetect, d);
            ScheduleNotify(Now + d, observer, NotifyKind.Suspected, subject);
        }
        return maxDetect;
    }

    /// <summary>
    /// The resolver of the side that goes on downs <paramref name="subject"/> at <paramref name="decision"/>; each observer
    /// learns it within the gossip spread (MemberDowned) and sees it removed once the leader's side converged
    /// (MemberRemoved). Returns the last removal time.
    /// </summary>
    public long DownThenRemove(List<int> observers, int subject, long decision, DeterministicRandom spread)
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

    public int Convergence() => ResolverRandom.NextInt(Timing.ConvergenceMinMs, Timing.ConvergenceMaxMs);

    public void Notify(int target, NotifyKind kind, int subject)
    {
        var t = Slots[target];
        if (t.Gone || t.Stopped) return;
        if (t.Paused)
        {
            // A stopped process reads its event stream when it resumes, in the order the events were published.
            ScheduleNotify(t.ResumeAt, target, kind, subject);
            return;
        }
        if (Now < t.StalledUntil)
        {
            ScheduleNotify(t.StalledUntil, target, kind, subject);
            return;
        }
        var id = subject >= 0 ? Ids[subject] : default;
        _world.Current = target;
        var member = Members[target];
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
                if (TellsNodeGone) member.PeerNodeGone(id.Address);
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
        _drain(target);
        AfterEvent(target);

        if (kind == NotifyKind.Removed)
        {
            for (var k = 0; k < _afterRemoved.Count; k++)
            {
                if (_afterRemoved[k].Subject != subject) continue;
                var then = _afterRemoved[k].ThenMember;
                _afterRemoved.RemoveAt(k--);
                _crashSpecs.Add(new CrashSpec(then, CrashCause.AfterFirstRemoved, $"second crash after {Ids[subject]} was first removed (at {Ids[target]})", FollowUp.None, 0, 0, Restart: false, Grace: true));
                ScheduleFault(Now + Random.NextInt(0, 10), new SimEvent(EventKind.CrashNow, then, -1, null, _crashSpecs.Count - 1));
            }
        }
    }

    /// <summary>After member <paramref name="slot"/> processed an event: fire crash triggers that wait for a flush.</summary>
    public void AfterEvent(int slot)
    {
        if (_triggers.Count == 0) return;
        var st = Slots[slot];
        for (var k = 0; k < _triggers.Count; k++)
        {
            var trigger = _triggers[k];
            if (Now > trigger.Expires)
            {
                Log(new TriggerExpired(trigger.Kind));
                _triggers.RemoveAt(k--);
                continue;
            }
            if (st.Gone || st.Stopped || st.Joining || Members[slot].Phase != MemberPhase.Flushing) continue;
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
    public int DoJoin(int restartOf, bool rejoin = false)
    {
        if (_joinerFactory is null) return -1;
        var id = restartOf >= 0 ? new MemberId(Ids[restartOf].Address, Ids[restartOf].Incarnation + 1) : new MemberId($"m{_nextAddress++}", 1);
        while (SlotOf.ContainsKey(id)) id = id with { Incarnation = id.Incarnation + 1 };
        var slot = _world.AddSlot(id, _joinerFactory(id, _world.Settings, Now), null);
        if (rejoin) { }
        else if (restartOf >= 0) Counts.Restarts++;
        else Counts.Joins++;
        Log(new MemberStarted(id, restartOf >= 0 ? Ids[restartOf] : null, rejoin));
        _world.Hash(0x10E);
        _world.Hash((ulong)slot);
        foreach (var split in _partitionEvents) History[slot].Add(split with { TimeMs = Now });
        for (var y = 0; y < Members.Count; y++)
        {
            if (y == slot || Slots[y].Gone || Slots[y].Stopped) continue;
            ScheduleNotify(Now + Random.NextInt(0, Timing.SpreadMs), y, NotifyKind.JoinRequested, slot);
        }
        // Gossip tells a new node about failures the cluster has not finished removing.
        foreach (var (subject, removeBase, lastRemoved) in _failures)
        {
            if (lastRemoved < Now || subject == restartOf) continue;
            if (removeBase > Now) ScheduleNotify(Now + Random.NextInt(0, Math.Max(0, (int)Math.Min(int.MaxValue, removeBase - Now - 1))), slot, NotifyKind.Suspected, subject);
            ScheduleNotify(Math.Max(Now, removeBase) + Random.NextInt(0, Timing.SpreadMs), slot, NotifyKind.Removed, subject);
        }
        return slot;
    }

    public void DoLeave(int slot)
    {
        Slots[slot].Leaving = true;
        _leaveCalled.Add(Ids[slot]);
        Counts.Leaves++;
        Log(new MemberLeaves(Ids[slot]));
        _world.Hash(0x1EA7);
        _world.Hash((ulong)slot);
        _world.Current = slot;
        Members[slot].Leave();
        _drain(slot);
        AfterEvent(slot);
    }

    public void DoExit(int slot)
    {
        var s = Slots[slot];
        if (s.Gone) return;
        s.Exited = true;
        Net.Kill(slot);
        Log(new NodeExited(Ids[slot]));
        for (var y = 0; y < Members.Count; y++)
        {
            if (y != slot) Net.CutAfter(slot, y, Now + MaxLinkDelay);
        }
        for (var y = 0; y < Members.Count; y++)
        {
            if (y == slot || Slots[y].Gone || Slots[y].Stopped) continue;
            ScheduleNotify(Now + Random.NextInt(0, Timing.SpreadMs), y, NotifyKind.Removed, slot);
        }
    }

    /// <summary>The slot that broadcasts for planned member <paramref name="planned"/>: its own slot while it can, then a stand-in.</summary>
    public int BroadcasterFor(int planned)
    {
        var s = _standIn[planned];
        if (s >= 0 && Slots[s].Usable) return s;
        var candidates = new List<int>();
        for (var k = 0; k < Members.Count; k++)
        {
            if (Slots[k].Usable) candidates.Add(k);
        }
        if (candidates.Count == 0) return -1;
        s = candidates[Random.NextInt(candidates.Count)];
        _standIn[planned] = s;
        return s;
    }

    /// <summary>Slot <paramref name="i"/> installed <paramref name="view"/>: the cluster's facts for the membership check, and an admitted joiner takes over a planned member.</summary>
    public void ViewInstalled(int i, GroupView view)
    {
        var s = Slots[i];
        Counts.ViewInstalls++;
        Counts.MaxViewId = Math.Max(Counts.MaxViewId, view.Id);
        History[i].Add(new ViewEvent(view.Id, view.Members) { TimeMs = Now });
        s.Installs.Add(ClusterFactsAt(view, s.Joining ? null : s.View));
        _world.SetView(i, view);
        if (s.Joining)
        {
            s.Joining = false;
            Admit(i);
        }
        s.RefusesBroadcasts = false;
    }

    /// <summary>Slot <paramref name="i"/>'s protocol stopped; after a leave, its node shuts down half the time.</summary>
    public void Stopped(int i, Stopped stop)
    {
        var s = Slots[i];
        s.Stopped = true;
        s.StopReason = stop.Reason;
        s.Held.Clear();
        History[i].Add(new StopEvent(stop.Reason, stop.Detail) { TimeMs = Now });
        Log(new MemberStopped(Ids[i], stop.Reason));
        if (stop.Reason == StopReason.Left && !s.Gone && Random.Chance(Timing.ExitAfterLeaveProbability))
            ScheduleFault(Now + Random.NextInt(Timing.ExitAfterLeaveMinMs, Timing.ExitAfterLeaveMaxMs), new SimEvent(EventKind.Exit, i, -1, null, -1));
    }

    /// <summary>What the cluster had done, by now, to the members of <paramref name="view"/> and <paramref name="previous"/>: facts for the membership check.</summary>
    public InstallFacts ClusterFactsAt(GroupView view, GroupView? previous)
    {
        var involved = previous is null ? view.Members.ToList() : view.Members.Union(previous.Members).ToList();
        return new InstallFacts(
            view.Id,
            view.Members,
            previous?.Members,
            involved.Where(_removedEver.Contains).ToImmutableArray(),
            involved.Where(_leaveCalled.Contains).ToImmutableArray(),
            involved.Where(_joinRequestedEver.Contains).ToImmutableArray(),
            involved.Where(m => SlotOf.TryGetValue(m, out var j) && j < _world.Founders).ToImmutableArray(),
            involved.Where(SlotOf.ContainsKey).ToImmutableArray(),
            Now);
    }

    /// <summary>A joiner was admitted: it broadcasts for a planned member that cannot any more, or takes one over half the time.</summary>
    public void Admit(int slot)
    {
        for (var p = 0; p < _standIn.Length; p++)
        {
            if (!Slots[_standIn[p]].Usable)
            {
                _standIn[p] = slot;
                return;
            }
        }
        if (_standIn.Length > 0 && Random.Chance(0.5)) _standIn[Random.NextInt(_standIn.Length)] = slot;
    }

    /// <summary>
    /// The split is complete (every link across it broken): from here on, a message sent on one side must not be
    /// delivered on the other (the partition rule's event in every history). A staggered cut completes when its last link breaks.
    /// </summary>
    public void RecordSplit(List<int> minority, List<int> majority)
    {
        var split = new PartitionEvent(_partitionEvents.Count + 1, minority.Select(s => Ids[s]).ToImmutableArray(), majority.Select(s => Ids[s]).ToImmutableArray()) { TimeMs = Now };
        _partitionEvents.Add(split);
        for (var s = 0; s < Members.Count; s++)
        {
            if (!Slots[s].Gone) History[s].Add(split);
        }
        Log(new PartitionStarted(split.Number, split.Minority, split.Majority));
    }


    /// <summary>
    /// The run may stop: no membership event pending, every member that left or was downed stopped, every correct member
    /// in normal phase in one common view of exactly the correct members, with no held broadcast and empty buffers.
    /// This only decides when the run ends; what is wrong with a run that never got here is judged by the checks from the
    /// end-of-run facts (<see cref="Checking.Checks.LivenessAtEndCheck"/>).
    /// </summary>
    public bool IsQuiescentWithFaults()
    {
        if (_outstanding > 0) return false;
        var correct = new HashSet<MemberId>();
        GroupView? common = null;
        for (var s = 0; s < Members.Count; s++)
        {
            var st = Slots[s];
            if (st.Gone) continue;
            if ((st.Leaving || st.Downed) && !st.Stopped) return false;
            if (!st.Correct) continue;
            if (st.Joining || Members[s].Phase != MemberPhase.Normal || st.View is null) return false;
            if (common is null) common = st.View;
            else if (common.Id != st.View.Id) return false;
            if (st.Held.Count > 0 || Members[s].BufferedMessages != 0) return false;
            correct.Add(Ids[s]);
        }
        return common is null || correct.SetEquals(common.Members);
    }

    public FaultSummary BuildFaultSummary() => new()
    {
        Plan = _steps.Select(Describe).ToImmutableArray(),
        Log = _faultLog.Select(e => e.ToString()).ToImmutableArray(),
        Events = _faultLog.ToImmutableArray(),
        Crashes = Counts.Crashes,
        Joins = Counts.Joins,
        Restarts = Counts.Restarts,
        Leaves = Counts.Leaves,
        FalseSuspicions = Counts.FalseSuspicions,
        Partitions = Counts.Partitions,
        Pauses = Counts.Pauses,
        IndirectlyConnected = Counts.Indirect,
        Rejoins = Counts.Rejoins,
        ViewInstalls = Counts.ViewInstalls,
        MaxViewId = Counts.MaxViewId,
        HeldBroadcasts = _world.HeldBroadcasts,
        SnapshotsLoaded = Counts.SnapshotsLoaded,
        MembershipRefusals = Counts.MembershipRefusals,
        LostBroadcasts = Counts.LostBroadcasts,
        SkippedSteps = Counts.SkippedSteps,
    };

    /// <summary>
    /// Down-all-when-unstable runs on every node of the minority: each downs every node it knows (its whole view), peers
    /// first in no particular order and itself last, one MemberDowned each.
    /// </summary>
    public void ScheduleDownAll(List<int> nodes, long[] at)
    {
        for (var k = 0; k < nodes.Count; k++)
        {
            var a = nodes[k];
            var peers = (Slots[a].ViewSlots ?? []).Where(y => y >= 0 && y != a).ToList();
            Shuffle(peers, ResolverRandom);
            var t = at[k];
            foreach (var y in peers) ScheduleNotify(t++, a, NotifyKind.Downed, y);
            ScheduleNotify(t, a, NotifyKind.Downed, a);
        }
        Log(new DownAllDecided(nodes.Select(a => Ids[a]).ToImmutableArray()));
    }

    public static void Shuffle(List<int> list, DeterministicRandom random)
    {
        for (var k = list.Count - 1; k > 0; k--)
        {
            var j = random.NextInt(k + 1);
            (list[k], list[j]) = (list[j], list[k]);
        }
    }

    /// <summary>Once <paramref name="at"/> removed <paramref name="subject"/>, Akka quarantines it: nothing more passes between the two.</summary>
    public void Quarantine(int at, int subject)
    {
        if (subject < 0 || subject == at) return;
        Net.CutBy(subject, at, Now);
        Net.CutBy(at, subject, Now);
    }

    public sealed record CrashSpec(int Victim, CrashCause Cause, string Why, FollowUp Then, int ThenMember, int FlushSteps, bool Restart, bool Grace);

    public sealed class FlushTrigger(FollowUp kind, int steps, long expires)
    {
        public FollowUp Kind { get; } = kind;
        public int Steps { get; set; } = steps;
        public long Expires { get; } = expires;
    }

}
