using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Driving;
using ActorCausal.Simulation.Founding;
using ActorCausal.Simulation.Network;

namespace ActorCausal.Simulation;

/// <summary>
/// One deterministic schedule: a discrete-event loop over virtual time with a priority queue ordered by
/// (time, insertion counter). No clock, no threads, no tasks; every random choice comes from streams of the seed.
/// </summary>
/// <remarks>
/// The members live in the world's slots (<see cref="SimulationWorld"/>). Without faults the group is one fixed view and
/// the loop is exactly the fault-free simulator; with faults the membership oracle (<see cref="MembershipOracle"/>)
/// crashes, partitions, joins, restarts and removes members as Akka.Cluster would. Effects go through the one effect
/// driver (<see cref="EffectDriver"/>).
/// </remarks>
internal sealed class Simulator : IEffectHandler<int>
{
    private const int MaxRejectionSamples = 5;

    private readonly SimulationWorld _world;
    private readonly MembershipOracle _oracle;
    /// <summary>Set when the schedule starts by founding (concurrent founders, slow members, merges) instead of from one founded view.</summary>
    private readonly FoundingDriver? _founding;
    private readonly bool _faultsOn;
    private readonly DeterministicRandom _dependencies;
    private readonly TotalOrderMode _mode;
    private readonly IReadOnlyList<PlannedBroadcast> _plan;
    private readonly int _n;

    private readonly List<Effect> _effects = new();
    private readonly List<string> _rejectionSamples = new();

    private int _remaining;
    private long _deliveries;
    private int _backPressure;
    private int _unknownDependency;
    private int _rejected;
    private int _clockSkew;
    private int _viewChangesByMinority;

    public Simulator(SimulationOptions options, ulong seed, IReadOnlyList<PlannedBroadcast>? workload, SimulatedMemberFactory factory, SimulatedJoinerFactory? joiners = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        options.Validate();
        var workRandom = DeterministicRandom.ForStream(seed, 1);
        _dependencies = DeterministicRandom.ForStream(seed, 3);
        _mode = options.TotalMode ?? (DeterministicRandom.ForStream(seed, 4).NextInt(2) == 0 ? TotalOrderMode.ThreeStep : TotalOrderMode.TwoStep);
        var settings = (options.ProtocolSettings ?? new GroupMemberSettings()) with { TotalOrder = _mode };
        var founding = joiners is null ? null : FoundingStart.Draw(options, seed);
        if (founding is not null) settings = founding.Apply(settings);

        _n = options.Members;
        var ids = new MemberId[_n];
        for (var i = 0; i < _n; i++) ids[i] = new MemberId($"m{i}", 1);
        var view = new GroupView(1, ids);
        _faultsOn = options.HasFaults;
        _world = new SimulationWorld(options, seed, settings, _n, new SimulatedNetwork(options, DeterministicRandom.ForStream(seed, 2), _n, breakable: _faultsOn));
        _oracle = new MembershipOracle(_world, Drain, joiners);
        if (founding is not null)
        {
            // Every node starts the group on its own, at its own time: nobody has a view yet.
            for (var i = 0; i < _n; i++) _world.AddSlot(ids[i], joiners!(ids[i], settings, 0), null);
            _founding = new FoundingDriver(_world, _oracle, founding);
            _oracle.TellsNodeGone = true;
        }
        else
        {
            for (var i = 0; i < _n; i++) _world.AddSlot(ids[i], factory(ids[i], view, settings), null);
            for (var i = 0; i < _n; i++)
            {
                Slots[i].Joining = false;
                _world.SetView(i, view);
            }
        }

        _plan = workload ?? WorkloadGenerator.Generate(options, workRandom);
        foreach (var b in _plan)
        {
            if (b.Member < 0 || b.Member >= _n) throw new ArgumentException($"Planned broadcast from member {b.Member} outside the group of {_n}.", nameof(workload));
            if (b.TimeMs < 0) throw new ArgumentException("Planned broadcasts start at time 0 or later.", nameof(workload));
        }

        if (_faultsOn) _oracle.Init(founding is null ? view : null);
    }

    private SimulationOptions Options => _world.Options;
    private List<MemberId> Ids => _world.Ids;
    private List<ISimulatedMember> Members => _world.Members;
    private List<SlotState> Slots => _world.Slots;
    private List<List<HistoryEvent>> History => _world.History;
    private SimulatedNetwork Net => _world.Net;

    private long Now
    {
        get => _world.Now;
        set => _world.Now = value;
    }

    private int Current
    {
        get => _world.Current;
        set => _world.Current = value;
    }

    public ScheduleResult Run(bool keepHistory)
    {
        for (var k = 0; k < _plan.Count; k++) _world.Schedule(_plan[k].TimeMs, new SimEvent(EventKind.Broadcast, _plan[k].Member, -1, null, k));
        _remaining = _plan.Count;
        var plannedEnd = _plan.Count == 0 ? 0 : _plan.Max(b => b.TimeMs);
        _world.Schedule(Options.TickIntervalMs, new SimEvent(EventKind.Tick, -1, -1, null, -1));
        if (_faultsOn) _oracle.ScheduleFaultPlan();
        _founding?.Schedule();

        var quiescent = false;
        Exception? crash = null;
        try
        {
            while (_world.TryDequeue(out var e, out var time))
            {
                var deadline = _remaining > 0 ? plannedEnd + Options.QuiescenceTimeoutMs : _world.LastBroadcastMs + Options.QuiescenceTimeoutMs;
                if (_faultsOn) deadline = Math.Max(deadline, _oracle.FaultHorizon + Options.QuiescenceTimeoutMs);
                if (time > deadline) break;
                Now = time;
                _world.Hash((ulong)Now);
                _world.Hash((ulong)e.Kind);
                switch (e.Kind)
                {
                    case EventKind.Tick:
                        for (var i = 0; i < Members.Count; i++)
                        {
                            if (_faultsOn && (Slots[i].Gone || Slots[i].Paused)) continue;
                            if (_founding is not null && (!_founding.Started(i) || _founding.Stalled(i, out _))) continue;
                            Current = i;
                            Members[i].Tick(Now);
                            Drain(i);
                            if (_faultsOn) _oracle.AfterEvent(i);
                        }
                        Current = -1;
                        if (_remaining == 0 && (_faultsOn ? _oracle.IsQuiescentWithFaults() : IsQuiescent()))
                        {
                            quiescent = true;
                            goto done;
                        }
                        _world.Schedule(Now + Options.TickIntervalMs, e);
                        break;
                    case EventKind.Arrive:
                        _world.Hash((ulong)e.From);
                        _world.Hash((ulong)e.Member);
                        HashMessage(e.Message!);
                        if (Net.DropsOnArrival(e.From, e.Member, Now))
                        {
                            _world.Hash(0xD809);
                            break;
                        }
                        if (_faultsOn && Slots[e.Member].Paused)
                        {
                            // It reached the paused process's socket: read when it resumes.
                            _world.Schedule(Slots[e.Member].ResumeAt, e with { Kind = EventKind.DeferredArrive });
                            break;
                        }
                        if (_founding is not null && _founding.Stalled(e.Member, out var until))
                        {
                            // A loaded machine reads its socket late.
                            _world.Schedule(until, e with { Kind = EventKind.DeferredArrive });
                            break;
                        }
                        goto case EventKind.DeferredArrive;
                    case EventKind.DeferredArrive:
                        var to = _founding?.RouteTo(e.Member) ?? e.Member;
                        if (Slots[to].Gone) break;
                        Current = to;
                        var arriving = Net.Receive(Ids[e.From], Ids[to], e.Message!);
                        Members[to].Receive(Ids[e.From], arriving);
                        Drain(to);
                        if (_faultsOn) _oracle.AfterEvent(to);
                        break;
                    case EventKind.Broadcast:
                        Current = e.Member;
                        DoBroadcast(e);
                        break;
                    case EventKind.DriverNote:
                        _founding!.Arrive(e);
                        break;
                    default:
                        _oracle.Process(e);
                        break;
                }
                Current = -1;
            }
        }
        catch (Exception ex)
        {
            crash = ex;
        }
        done:

        var slots = Members.Count;
        var run = new RunOutcome
        {
            Quiescent = quiescent,
            FaultsOn = _faultsOn,
            EndTimeMs = Now,
            LastBroadcastMs = _world.LastBroadcastMs,
            PendingMembershipEvents = _oracle.Outstanding,
            ProtocolError = crash?.ToString(),
            ErrorMember = crash is not null && Current >= 0 ? Ids[Current] : default,
        };
        var buffered = ImmutableArray.CreateBuilder<int>(slots);
        var histories = new MemberHistory[slots];
        for (var i = 0; i < slots; i++)
        {
            int b;
            try { b = Members[i].BufferedMessages; }
            catch (Exception) when (crash is not null) { b = -1; }
            buffered.Add(b);
            histories[i] = new MemberHistory(Ids[i], History[i].ToArray()) { Facts = EndFacts(i, run, b) };
        }

        var checkerOptions = new CheckerOptions { CheckValidity = crash is null, UniformTotalOrder = Options.UniformTotalOrder };
        // Founders may form several groups of the name before they merge: each group (members that installed one view) is
        // checked on its own; that they end as one is the quiescence rule (one common view of every correct member).
        var violations = (_founding is null
            ? InvariantChecker.Check(histories, checkerOptions)
            : OneViewPerNameChecker.Lineages(histories).SelectMany(lineage => InvariantChecker.Check(lineage, checkerOptions))).ToImmutableArray();

        return new ScheduleResult
        {
            Seed = _world.Seed,
            TotalOrderMode = _mode,
            Broadcasts = _world.Accepted,
            Deliveries = _deliveries,
            SafeMessagesDelivered = Options.SafeFraction > 0 ? Checking.Checks.UniformAgreementCheck.SafeMessagesDelivered(histories) : 0,
            Violations = violations,
            BackPressureRefusals = _backPressure,
            UnknownDependencyRefusals = _unknownDependency,
            RejectedInputs = _rejected,
            ClockSkewEvents = _clockSkew,
            ViewChangesByMinority = _viewChangesByMinority,
            RejectionSamples = _rejectionSamples.ToImmutableArray(),
            Quiescent = quiescent,
            BufferedAtEnd = buffered.MoveToImmutable(),
            EndTimeMs = Now,
            NetworkMessages = Net.Transmissions,
            NetworkMessagesByKind = Net.TransmissionsByKind.ToImmutableDictionary(),
            TraceHash = _world.Trace,
            History = keepHistory ? histories : null,
            Faults = !_faultsOn ? null : _founding is null ? _oracle.BuildFaultSummary()
                : _oracle.BuildFaultSummary() with { StartedByFounding = true, FoundedGroups = _founding.FoundedGroups, MergedMembers = _founding.MergedMembers },
        };
    }

    /// <summary>What the simulator knows of slot <paramref name="i"/> beyond its history: facts for the checks.</summary>
    private RunFacts EndFacts(int i, RunOutcome run, int buffered)
    {
        var s = Slots[i];
        MemberPhase phase;
        try { phase = Members[i].Phase; }
        catch (Exception) when (run.ProtocolError is not null) { phase = MemberPhase.Stopped; }
        return new RunFacts
        {
            Installs = s.Installs.ToImmutableArray(),
            UnknownTickets = s.UnknownTickets.ToImmutableArray(),
            End = new MemberEndState
            {
                Run = run,
                Gone = s.Gone,
                Correct = s.Correct,
                Leaving = s.Leaving,
                Downed = s.Downed,
                Stopped = s.Stopped,
                Joining = s.Joining,
                Phase = phase,
                ViewId = s.View?.Id,
                ViewMembers = s.View?.Members ?? ImmutableArray<MemberId>.Empty,
                HeldUnsent = s.Held.Count,
                Buffered = buffered,
                BuffersMustEmpty = !_faultsOn || s.Correct,
            },
        };
    }

    private bool IsQuiescent()
    {
        for (var i = 0; i < _n; i++)
        {
            if (_world.DeliveredSet[i].Count != _world.Accepted || Members[i].BufferedMessages != 0) return false;
        }
        return true;
    }

    private void DoBroadcast(SimEvent e)
    {
        var planned = _plan[e.PlanIndex];
        var i = _faultsOn ? _oracle.BroadcasterFor(planned.Member) : e.Member;
        if (i < 0 && _founding is not null)
        {
            // Nobody was admitted yet (or every member is busy merging): the application tries again later.
            _world.Schedule(Now + Options.BackPressureRetryMs, e);
            return;
        }
        if (i < 0)
        {
            // Nobody can broadcast for this planned member any more (faults only).
            _oracle.Counts.LostBroadcasts++;
            _remaining--;
            return;
        }
        Current = i;
        var dependsOn = planned.Order == DeliveryOrder.Explicit ? PickDependencies(i, planned.Dependencies) : null;
        var payload = "w" + e.PlanIndex;
        var result = Members[i].Broadcast(payload, planned.Order, dependsOn);
        if (result.Refusal == BroadcastRefusal.UnknownDependency && dependsOn is { Count: > 0 })
        {
            _unknownDependency++;
            dependsOn = Array.Empty<MessageId>();
            Drain(i);
            result = Members[i].Broadcast(payload, planned.Order, dependsOn);
        }
        _world.Hash((ulong)i);
        _world.Hash((ulong)result.Refusal);
        if (result.Accepted)
        {
            var deps = dependsOn is null ? ImmutableArray<MessageId>.Empty : dependsOn.ToImmutableArray();
            if (result.IsHeld)
            {
                _world.Hash(0x4E1D);
                _world.Hash((ulong)result.Ticket);
                Slots[i].Held[result.Ticket] = (planned.Order, deps);
                _world.HeldBroadcasts++;
            }
            else
            {
                _world.Hash((ulong)result.Id.Sequence);
                History[i].Add(SendEvent.Of(result.Id, planned.Order, deps, Now));
            }
            _world.Accepted++;
            _remaining--;
            _world.LastBroadcastMs = Now;
        }
        else if (result.Refusal == BroadcastRefusal.BackPressure)
        {
            _backPressure++;
            _world.Schedule(Now + Options.BackPressureRetryMs, e);
        }
        else if (_faultsOn && result.Refusal is BroadcastRefusal.NotAMember or BroadcastRefusal.Stopped)
        {
            // The member this broadcast was routed to cannot send (joining or stopped): route it elsewhere and retry.
            _oracle.Counts.MembershipRefusals++;
            Slots[i].RefusesBroadcasts = true;
            _world.Schedule(Now + Options.BackPressureRetryMs, e);
        }
        else
        {
            // Refused for a reason a retry cannot fix: give up on this broadcast (counted).
            _unknownDependency++;
            _remaining--;
        }
        Drain(i);
        if (_faultsOn) _oracle.AfterEvent(i);
    }

    /// <summary>0..count distinct ids among what <paramref name="member"/> has delivered, mostly recent ones and mostly others' (replies).</summary>
    private IReadOnlyCollection<MessageId> PickDependencies(int member, int count)
    {
        var delivered = _world.DeliveredList[member];
        if (count == 0 || delivered.Count == 0) return Array.Empty<MessageId>();
        var picked = new List<MessageId>(count);
        for (var k = 0; k < count; k++)
        {
            MessageId pick = default;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var index = _dependencies.Chance(0.75)
                    ? delivered.Count - 1 - _dependencies.NextInt(Math.Min(8, delivered.Count))
                    : _dependencies.NextInt(delivered.Count);
                pick = delivered[index];
                if (pick.Sender != member) break;
            }
            if (!picked.Contains(pick)) picked.Add(pick);
        }
        return picked;
    }

    private void Drain(int i)
    {
        while (true)
        {
            _effects.Clear();
            if (Members[i].DrainEffects(_effects) == 0) break;
            // Effects are handled in order; an input fed back here (ProvideSnapshot) adds effects for the next round.
            foreach (var effect in _effects) EffectDriver.Apply(i, effect, this);
        }
        _effects.Clear();
        _founding?.DrainFollowers();
    }

    void IEffectHandler<int>.Send(int i, Send s)
    {
        if (!_world.SlotOf.TryGetValue(s.To, out var to))
            throw new InvalidOperationException($"{Ids[i]} sent {s.Message.GetType().Name} to {s.To}, who is not a member the simulator knows.");
        if (s.Message is WelcomeDeclined declined)
        {
            _oracle.DeclinedWelcome(Ids[i]);
            // A merging incarnation declines for its predecessor, which a late announcement got admitted after it stopped.
            foreach (var m in declined.Members.Where(m => m.Address == Ids[i].Address && m != Ids[i])) _oracle.DeclinedWelcome(m);
        }
        Transmit(i, to, s.Message);
    }

    void IEffectHandler<int>.SendToAll(int i, SendToAll a)
    {
        var recipients = Slots[i].ViewSlots
            ?? throw new InvalidOperationException($"{Ids[i]} sent {a.Message.GetType().Name} to all before it had a view.");
        foreach (var j in recipients)
        {
            if (j != i && j >= 0) Transmit(i, j, a.Message);
        }
    }

    void IEffectHandler<int>.Deliver(int i, Deliver d)
    {
        var id = d.Message.Id;
        _world.Hash(0xDE11);
        _world.Hash((ulong)i);
        _world.HashId(id);
        _deliveries++;
        History[i].Add(new DeliverEvent(id, d.Sender, d.Message.Order) { TimeMs = Now, Safe = d.Message.Safe });
        if (_world.DeliveredSet[i].Add(id)) _world.DeliveredList[i].Add(id);
    }

    void IEffectHandler<int>.InputRejected(int i, InputRejected r)
    {
        _rejected++;
        if (_rejectionSamples.Count < MaxRejectionSamples)
            _rejectionSamples.Add($"@{Now} {Ids[i]} rejected input from {r.From}: {r.Reason} {r.Detail}");
    }

    void IEffectHandler<int>.ClockSkewExceeded(int i, ClockSkewExceeded skew) => _clockSkew++;
    void IEffectHandler<int>.ViewChangedByMinority(int i, ViewChangedByMinority minority) => _viewChangesByMinority++;

    void IEffectHandler<int>.ViewInstalled(int i, ViewInstalled v)
    {
        _world.Hash(0x71E);
        _world.Hash((ulong)v.View.Id);
        _founding?.BeforeInstall(i, v.View);
        _oracle.ViewInstalled(i, v.View);
    }

    void IEffectHandler<int>.PeerSuspected(int i, PeerSuspected suspected) => _world.Hash(0x5A5);

    void IEffectHandler<int>.PeerReachable(int i, PeerReachable reachable) => _world.Hash(0x8EA);

    void IEffectHandler<int>.Stopped(int i, Stopped stop)
    {
        _world.Hash(0x5709);
        _world.Hash((ulong)stop.Reason);
        _oracle.Stopped(i, stop);
    }

    void IEffectHandler<int>.TakeSnapshot(int i, TakeSnapshot take)
    {
        _world.Hash(0x7A4E);
        _world.Hash((ulong)take.ViewId);
        Members[i].ProvideSnapshot(take.ViewId, SnapshotCodec.Encode(_world.DeliveredList[i]));
    }

    void IEffectHandler<int>.LoadSnapshot(int i, LoadSnapshot load)
    {
        var ids = SnapshotCodec.Decode(load.Snapshot.Span);
        _world.Hash(0x10AD);
        _world.Hash((ulong)load.ViewId);
        _world.Hash((ulong)ids.Length);
        _oracle.Counts.SnapshotsLoaded++;
        // The history records the state of this group's own messages; a merged group's messages apart (MergedStateEvent).
        History[i].Add(new SnapshotLoadEvent(load.ViewId, ids.Where(id => FoundingDriver.SameGroup(id.ViewId, load.ViewId)).ToImmutableArray()) { TimeMs = Now });
        _founding?.RecordMergedState(i, load.ViewId, ids);
        _world.DeliveredList[i] = new List<MessageId>(ids);
        _world.DeliveredSet[i] = new HashSet<MessageId>(ids);
    }

    void IEffectHandler<int>.HeldBroadcastSent(int i, HeldBroadcastSent sent)
    {
        _world.Hash(0x4E1E);
        _world.Hash((ulong)sent.Ticket);
        _world.HashId(sent.Id);
        if (Slots[i].Held.Remove(sent.Ticket, out var info)) History[i].Add(SendEvent.Of(sent.Id, info.Order, info.DependsOn, Now));
        else Slots[i].UnknownTickets.Add((sent.Ticket, sent.Id));
    }

    // Announcements, acks, probes and merges arise only where nodes found the group themselves (FoundingDriver); a schedule
    // that starts from one founded view admits joiners through the membership oracle.
    void IEffectHandler<int>.AnnounceJoin(int i, AnnounceJoin announce) => _founding?.Announce(i);

    void IEffectHandler<int>.AckJoin(int i, AckJoin ack) => _founding?.Ack(i, ack.To);

    void IEffectHandler<int>.ProbeOtherNodes(int i, ProbeOtherNodes probe)
    {
        if (_founding is null) return;
        foreach (var j in _founding.ProbeTargets(i, probe.Probe.Members)) Transmit(i, j, probe.Probe);
    }

    void IEffectHandler<int>.MergingInto(int i, MergingInto into) =>
        (_founding ?? throw new InvalidOperationException($"{Ids[i]} merged in a schedule without founders.")).MergingInto(i, into);

    void IEffectHandler<int>.MergeSnapshot(int i, MergeSnapshot merge) => _founding?.MergeSnapshot(i, merge);

    private void Transmit(int from, int to, ProtocolMessage message)
    {
        var copies = Net.Send(from, to, message, Now, out var first, out var second);
        if (copies > 0) _world.Schedule(first, new SimEvent(EventKind.Arrive, to, from, message, -1));
        if (copies > 1) _world.Schedule(second, new SimEvent(EventKind.Arrive, to, from, message, -1));
    }

    private void HashMessage(ProtocolMessage message)
    {
        switch (message)
        {
            case DataMessage d:
                _world.Hash(1);
                _world.HashId(d.Id);
                _world.Hash((ulong)d.Order);
                break;
            case Nak k:
                _world.Hash(2);
                _world.Hash((ulong)k.Origin);
                _world.Hash((ulong)k.From);
                _world.Hash((ulong)k.To);
                break;
            case StabilityGossip g:
                _world.Hash(3);
                foreach (var v in g.Delivered.AsSpan()) _world.Hash((ulong)v);
                break;
            case Proposal p:
                _world.Hash(4);
                _world.HashId(p.Message);
                _world.Hash((ulong)p.Priority.Number);
                _world.Hash((ulong)p.Priority.Rank);
                _world.Hash(p.ReplyRequested ? 1UL : 0UL);
                break;
            case FinalPriority f:
                _world.Hash(5);
                _world.HashId(f.Message);
                _world.Hash((ulong)f.Priority.Number);
                _world.Hash((ulong)f.Priority.Rank);
                break;
            default:
                _world.Hash(6);
                foreach (var ch in message.GetType().FullName ?? "") _world.Hash(ch);
                break;
        }
        _world.Hash((ulong)message.ViewId);
    }
}
