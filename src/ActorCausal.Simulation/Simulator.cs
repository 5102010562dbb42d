using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Network;

namespace ActorCausal.Simulation;

/// <summary>
/// One deterministic schedule: a discrete-event loop over virtual time with a priority queue ordered by
/// (time, insertion counter). No clock, no threads, no tasks; every random choice comes from streams of the seed.
/// </summary>
/// <remarks>
/// Members live in slots: the founding members of view 1 are slots 0..n-1 (m0..), joiners and restarted incarnations
/// get new slots. Without faults the group is one fixed view and the loop is exactly the fault-free simulator; with
/// faults the membership oracle (Simulator.Faults.cs) crashes, partitions, joins, restarts and removes members as
/// Akka.Cluster would.
/// </remarks>
internal sealed partial class Simulator
{
    private const int MaxRejectionSamples = 5;

    private readonly SimulationOptions _options;
    private readonly ulong _seed;
    private readonly DeterministicRandom _dependencies;
    private readonly TotalOrderMode _mode;
    private readonly GroupMemberSettings _settings;
    private readonly GroupView _view;
    private readonly IReadOnlyList<PlannedBroadcast> _plan;
    private readonly int _n;

    // Slots.
    private readonly List<MemberId> _ids = new();
    private readonly List<ISimulatedMember> _members = new();
    private readonly List<SlotState> _slots = new();
    private readonly Dictionary<MemberId, int> _slotOf = new();
    private readonly List<List<HistoryEvent>> _history = new();
    private readonly List<HashSet<MessageId>> _deliveredSet = new();
    /// <summary>The simulated application state: the ids it reflects, in order (a loaded snapshot's, then deliveries).</summary>
    private readonly List<List<MessageId>> _deliveredList = new();
    private readonly SimulatedNetwork _net;

    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private long _counter;
    private long _now;

    private readonly List<Effect> _effects = new();
    private readonly List<string> _rejectionSamples = new();

    private int _accepted;
    private int _remaining;
    private long _lastBroadcastMs;
    private long _deliveries;
    private int _backPressure;
    private int _unknownDependency;
    private int _rejected;
    private int _clockSkew;
    private int _current = -1;
    private ulong _trace = 14695981039346656037UL;

    public Simulator(SimulationOptions options, ulong seed, IReadOnlyList<PlannedBroadcast>? workload, SimulatedMemberFactory factory, SimulatedJoinerFactory? joiners = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        options.Validate();
        _options = options;
        _seed = seed;
        var workRandom = DeterministicRandom.ForStream(seed, 1);
        _dependencies = DeterministicRandom.ForStream(seed, 3);
        _mode = options.TotalMode ?? (DeterministicRandom.ForStream(seed, 4).NextInt(2) == 0 ? TotalOrderMode.ThreeStep : TotalOrderMode.TwoStep);
        _settings = (options.ProtocolSettings ?? new GroupMemberSettings()) with { TotalOrder = _mode };

        _n = options.Members;
        var ids = new MemberId[_n];
        for (var i = 0; i < _n; i++) ids[i] = new MemberId($"m{i}", 1);
        _view = new GroupView(1, ids);
        _faultsOn = options.HasFaults;
        _net = new SimulatedNetwork(options, DeterministicRandom.ForStream(seed, 2), _n, breakable: _faultsOn);
        for (var i = 0; i < _n; i++) AddSlot(ids[i], factory(ids[i], _view, _settings), null);
        for (var i = 0; i < _n; i++)
        {
            _slots[i].Joining = false;
            SetView(i, _view);
        }

        _plan = workload ?? WorkloadGenerator.Generate(options, workRandom);
        foreach (var b in _plan)
        {
            if (b.Member < 0 || b.Member >= _n) throw new ArgumentException($"Planned broadcast from member {b.Member} outside the group of {_n}.", nameof(workload));
            if (b.TimeMs < 0) throw new ArgumentException("Planned broadcasts start at time 0 or later.", nameof(workload));
        }

        _joinerFactory = joiners;
        if (_faultsOn) InitFaults();
    }

    private int AddSlot(MemberId id, ISimulatedMember member, GroupView? view)
    {
        if (_slotOf.ContainsKey(id)) throw new InvalidOperationException($"Member {id} exists already.");
        var slot = _members.Count;
        _ids.Add(id);
        _members.Add(member);
        _slotOf[id] = slot;
        _history.Add(new List<HistoryEvent>());
        _deliveredSet.Add(new HashSet<MessageId>());
        _deliveredList.Add(new List<MessageId>());
        var state = new SlotState { Joining = view is null, CreatedAt = _now };
        _slots.Add(state);
        if (view is not null) SetView(slot, view);
        _net.AddSlot(slot);
        return slot;
    }

    private void SetView(int slot, GroupView view)
    {
        var s = _slots[slot];
        s.View = view;
        var recipients = new int[view.Size];
        for (var k = 0; k < view.Size; k++) recipients[k] = _slotOf.TryGetValue(view.Members[k], out var j) ? j : -1;
        s.ViewSlots = recipients;
    }

    public ScheduleResult Run(bool keepHistory)
    {
        for (var k = 0; k < _plan.Count; k++) Schedule(_plan[k].TimeMs, new SimEvent(EventKind.Broadcast, _plan[k].Member, -1, null, k));
        _remaining = _plan.Count;
        var plannedEnd = _plan.Count == 0 ? 0 : _plan.Max(b => b.TimeMs);
        Schedule(_options.TickIntervalMs, new SimEvent(EventKind.Tick, -1, -1, null, -1));
        if (_faultsOn) ScheduleFaultPlan();

        var quiescent = false;
        Exception? crash = null;
        try
        {
            while (_queue.TryDequeue(out var e, out var key))
            {
                var deadline = _remaining > 0 ? plannedEnd + _options.QuiescenceTimeoutMs : _lastBroadcastMs + _options.QuiescenceTimeoutMs;
                if (_faultsOn) deadline = Math.Max(deadline, _faultHorizon + _options.QuiescenceTimeoutMs);
                if (key.Time > deadline) break;
                _now = key.Time;
                Hash((ulong)_now);
                Hash((ulong)e.Kind);
                switch (e.Kind)
                {
                    case EventKind.Tick:
                        for (var i = 0; i < _members.Count; i++)
                        {
                            if (_faultsOn && (_slots[i].Gone || _slots[i].Paused)) continue;
                            _current = i;
                            _members[i].Tick(_now);
                            Drain(i);
                            if (_faultsOn) AfterEvent(i);
                        }
                        _current = -1;
                        if (_remaining == 0 && (_faultsOn ? IsQuiescentWithFaults() : IsQuiescent()))
                        {
                            quiescent = true;
                            goto done;
                        }
                        Schedule(_now + _options.TickIntervalMs, e);
                        break;
                    case EventKind.Arrive:
                        Hash((ulong)e.From);
                        Hash((ulong)e.Member);
                        HashMessage(e.Message!);
                        if (_net.DropsOnArrival(e.From, e.Member, _now))
                        {
                            Hash(0xD809);
                            break;
                        }
                        if (_faultsOn && _slots[e.Member].Paused)
                        {
                            // It reached the paused process's socket: read when it resumes.
                            Schedule(_slots[e.Member].ResumeAt, e with { Kind = EventKind.DeferredArrive });
                            break;
                        }
                        goto case EventKind.DeferredArrive;
                    case EventKind.DeferredArrive:
                        if (_slots[e.Member].Gone) break;
                        _current = e.Member;
                        var arriving = _net.Receive(_ids[e.From], _ids[e.Member], e.Message!);
                        _members[e.Member].Receive(_ids[e.From], arriving);
                        Drain(e.Member);
                        if (_faultsOn) AfterEvent(e.Member);
                        break;
                    case EventKind.Broadcast:
                        _current = e.Member;
                        DoBroadcast(e);
                        break;
                    default:
                        _outstanding--;
                        ProcessFaultEvent(e);
                        break;
                }
                _current = -1;
            }
        }
        catch (Exception ex)
        {
            crash = ex;
        }
        done:

        var slots = _members.Count;
        var run = new RunOutcome
        {
            Quiescent = quiescent,
            FaultsOn = _faultsOn,
            EndTimeMs = _now,
            LastBroadcastMs = _lastBroadcastMs,
            PendingMembershipEvents = _outstanding,
            ProtocolError = crash?.ToString(),
            ErrorMember = crash is not null && _current >= 0 ? _ids[_current] : default,
        };
        var buffered = ImmutableArray.CreateBuilder<int>(slots);
        var histories = new MemberHistory[slots];
        for (var i = 0; i < slots; i++)
        {
            int b;
            try { b = _members[i].BufferedMessages; }
            catch (Exception) when (crash is not null) { b = -1; }
            buffered.Add(b);
            histories[i] = new MemberHistory(_ids[i], _history[i].ToArray()) { Facts = EndFacts(i, run, b) };
        }

        var violations = InvariantChecker.Check(histories, new CheckerOptions { CheckValidity = crash is null, UniformTotalOrder = _options.UniformTotalOrder }).ToImmutableArray();

        return new ScheduleResult
        {
            Seed = _seed,
            TotalOrderMode = _mode,
            Broadcasts = _accepted,
            Deliveries = _deliveries,
            SafeMessagesDelivered = _options.SafeFraction > 0 ? Checking.Checks.UniformAgreementCheck.SafeMessagesDelivered(histories) : 0,
            Violations = violations,
            BackPressureRefusals = _backPressure,
            UnknownDependencyRefusals = _unknownDependency,
            RejectedInputs = _rejected,
            ClockSkewEvents = _clockSkew,
            RejectionSamples = _rejectionSamples.ToImmutableArray(),
            Quiescent = quiescent,
            BufferedAtEnd = buffered.MoveToImmutable(),
            EndTimeMs = _now,
            NetworkMessages = _net.Transmissions,
            NetworkMessagesByKind = _net.TransmissionsByKind.ToImmutableDictionary(),
            TraceHash = _trace,
            History = keepHistory ? histories : null,
            Faults = _faultsOn ? BuildFaultSummary() : null,
        };
    }

    /// <summary>What the simulator knows of slot <paramref name="i"/> beyond its history: facts for the checks.</summary>
    private RunFacts EndFacts(int i, RunOutcome run, int buffered)
    {
        var s = _slots[i];
        MemberPhase phase;
        try { phase = _members[i].Phase; }
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
            if (_deliveredSet[i].Count != _accepted || _members[i].BufferedMessages != 0) return false;
        }
        return true;
    }

    private void DoBroadcast(SimEvent e)
    {
        var planned = _plan[e.PlanIndex];
        var i = _faultsOn ? BroadcasterFor(planned.Member) : e.Member;
        if (i < 0)
        {
            // Nobody can broadcast for this planned member any more (faults only).
            _lostBroadcasts++;
            _remaining--;
            return;
        }
        _current = i;
        var dependsOn = planned.Order == DeliveryOrder.Explicit ? PickDependencies(i, planned.Dependencies) : null;
        var payload = "w" + e.PlanIndex;
        var result = _members[i].Broadcast(payload, planned.Order, dependsOn);
        if (result.Refusal == BroadcastRefusal.UnknownDependency && dependsOn is { Count: > 0 })
        {
            _unknownDependency++;
            dependsOn = Array.Empty<MessageId>();
            Drain(i);
            result = _members[i].Broadcast(payload, planned.Order, dependsOn);
        }
        Hash((ulong)i);
        Hash((ulong)result.Refusal);
        if (result.Accepted)
        {
            var deps = dependsOn is null ? ImmutableArray<MessageId>.Empty : dependsOn.ToImmutableArray();
            if (result.IsHeld)
            {
                Hash(0x4E1D);
                Hash((ulong)result.Ticket);
                _slots[i].Held[result.Ticket] = (planned.Order, deps);
                _heldBroadcasts++;
            }
            else
            {
                Hash((ulong)result.Id.Sequence);
                _history[i].Add(SendEvent.Of(result.Id, planned.Order, deps, _now));
            }
            _accepted++;
            _remaining--;
            _lastBroadcastMs = _now;
        }
        else if (result.Refusal == BroadcastRefusal.BackPressure)
        {
            _backPressure++;
            Schedule(_now + _options.BackPressureRetryMs, e);
        }
        else if (_faultsOn && result.Refusal is BroadcastRefusal.NotAMember or BroadcastRefusal.Stopped)
        {
            // The member this broadcast was routed to cannot send (joining or stopped): route it elsewhere and retry.
            _membershipRefusals++;
            _slots[i].RefusesBroadcasts = true;
            Schedule(_now + _options.BackPressureRetryMs, e);
        }
        else
        {
            // Refused for a reason a retry cannot fix: give up on this broadcast (counted).
            _unknownDependency++;
            _remaining--;
        }
        Drain(i);
        if (_faultsOn) AfterEvent(i);
    }

    /// <summary>0..count distinct ids among what <paramref name="member"/> has delivered, mostly recent ones and mostly others' (replies).</summary>
    private IReadOnlyCollection<MessageId> PickDependencies(int member, int count)
    {
        var delivered = _deliveredList[member];
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
            if (_members[i].DrainEffects(_effects) == 0) break;
            // Effects are handled in order; an input fed back here (ProvideSnapshot) adds effects for the next round.
            foreach (var effect in _effects)
            {
                switch (effect)
                {
                    case Send s:
                    {
                        if (!_slotOf.TryGetValue(s.To, out var to))
                            throw new InvalidOperationException($"{_ids[i]} sent {s.Message.GetType().Name} to {s.To}, who is not a member the simulator knows.");
                        Transmit(i, to, s.Message);
                        break;
                    }
                    case SendToAll a:
                    {
                        var recipients = _slots[i].ViewSlots
                            ?? throw new InvalidOperationException($"{_ids[i]} sent {a.Message.GetType().Name} to all before it had a view.");
                        foreach (var j in recipients)
                        {
                            if (j != i && j >= 0) Transmit(i, j, a.Message);
                        }
                        break;
                    }
                    case Deliver d:
                    {
                        var id = d.Message.Id;
                        Hash(0xDE11);
                        Hash((ulong)i);
                        HashId(id);
                        _deliveries++;
                        _history[i].Add(new DeliverEvent(id, d.Sender, d.Message.Order) { TimeMs = _now, Safe = d.Message.Safe });
                        if (_deliveredSet[i].Add(id)) _deliveredList[i].Add(id);
                        break;
                    }
                    case InputRejected r:
                        _rejected++;
                        if (_rejectionSamples.Count < MaxRejectionSamples)
                            _rejectionSamples.Add($"@{_now} {_ids[i]} rejected input from {r.From}: {r.Reason} {r.Detail}");
                        break;
                    case ClockSkewExceeded:
                        _clockSkew++;
                        break;
                    default:
                        OnMembershipEffect(i, effect);
                        break;
                }
            }
        }
        _effects.Clear();
    }

    private void Transmit(int from, int to, ProtocolMessage message)
    {
        var copies = _net.Send(from, to, message, _now, out var first, out var second);
        if (copies > 0) Schedule(first, new SimEvent(EventKind.Arrive, to, from, message, -1));
        if (copies > 1) Schedule(second, new SimEvent(EventKind.Arrive, to, from, message, -1));
    }

    private void Schedule(long time, SimEvent e) => _queue.Enqueue(e, (time, _counter++));

    private void Hash(ulong value)
    {
        // FNV-1a over the 8 bytes of value.
        var h = _trace;
        for (var b = 0; b < 8; b++)
        {
            h ^= (value >> (8 * b)) & 0xFF;
            h *= 1099511628211UL;
        }
        _trace = h;
    }

    private void HashId(MessageId id)
    {
        Hash((ulong)id.ViewId);
        Hash((ulong)id.Sender);
        Hash((ulong)id.Sequence);
    }

    private void HashMessage(ProtocolMessage message)
    {
        switch (message)
        {
            case DataMessage d:
                Hash(1);
                HashId(d.Id);
                Hash((ulong)d.Order);
                break;
            case Nak k:
                Hash(2);
                Hash((ulong)k.Origin);
                Hash((ulong)k.From);
                Hash((ulong)k.To);
                break;
            case StabilityGossip g:
                Hash(3);
                foreach (var v in g.Delivered.AsSpan()) Hash((ulong)v);
                break;
            case Proposal p:
                Hash(4);
                HashId(p.Message);
                Hash((ulong)p.Priority.Number);
                Hash((ulong)p.Priority.Rank);
                Hash(p.ReplyRequested ? 1UL : 0UL);
                break;
            case FinalPriority f:
                Hash(5);
                HashId(f.Message);
                Hash((ulong)f.Priority.Number);
                Hash((ulong)f.Priority.Rank);
                break;
            default:
                Hash(6);
                foreach (var ch in message.GetType().FullName ?? "") Hash(ch);
                break;
        }
        Hash((ulong)message.ViewId);
    }

    private enum EventKind : byte
    {
        Tick,
        Arrive,
        Broadcast,
        // Membership oracle (faults only).
        FaultStep,
        Notify,
        CrashNow,
        Heal,
        Exit,
        Rejoin,
        PartialBroadcast,
        Resume,
        DeferredArrive,
        SplitComplete,
    }

    /// <summary>
    /// Member: the receiver (Arrive), the broadcaster (Broadcast), the target (Notify, CrashNow, Exit, Rejoin, PartialBroadcast).
    /// From: the sender (Arrive), the subject (Notify), the attempt (FaultStep). PlanIndex: the plan entry (Broadcast),
    /// the fault step (FaultStep, PartialBroadcast), the notification kind (Notify), the crash spec (CrashNow).
    /// </summary>
    private readonly record struct SimEvent(EventKind Kind, int Member, int From, ProtocolMessage? Message, int PlanIndex);
}
