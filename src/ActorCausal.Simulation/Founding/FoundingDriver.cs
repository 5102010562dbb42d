using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation.Founding;

/// <summary>
/// The driver's founding and merging duties in a fault schedule that starts by founding, as the Akka actor does them
/// (src/ActorCausal/Internal/GroupActor.Membership.cs): each node starts its member when it comes Up and tells it the
/// other Up nodes with their age; announcements go to the group actor of every other Up node, which answers as a member
/// (ack), a joiner (its own announcement) or with no group actor (NoGroup); merge probes go to every Up node outside the
/// view; a member whose group closed to merge hands over to its node's next incarnation with the application's state.
/// Slow members stall (nothing processed, their ticks and what reaches them late) without the failure detector noticing.
/// </summary>
internal sealed class FoundingDriver
{
    private enum Note { Announce, Ack, NoGroup }

    private readonly SimulationWorld _world;
    private readonly MembershipOracle _oracle;
    private readonly FoundingStart _start;
    private readonly DeterministicRandom _random;
    private readonly bool[] _started;
    private readonly List<int> _follow = new();

    public FoundingDriver(SimulationWorld world, MembershipOracle oracle, FoundingStart start)
    {
        _world = world;
        _oracle = oracle;
        _start = start;
        _random = DeterministicRandom.ForStream(world.Seed, 26);
        _started = new bool[start.StartAt.Length];
        oracle.OnEvent(EventKind.NodeStart, e => StartNode(e.Member));
        oracle.OnEvent(EventKind.StallStart, e => Stall(e.Member));
        oracle.OnEvent(EventKind.StallEnd, _ => { });
        oracle.OnEvent(EventKind.StartupUnreachable, _ => TellSides(reachable: false));
        oracle.OnEvent(EventKind.StartupHeal, _ => Heal());
    }

    /// <summary>Groups founded (one-member first views) and members that stopped to merge: the founding figures.</summary>
    public int FoundedGroups { get; private set; }
    public int MergedMembers { get; private set; }
    public bool StartupPartition => _start.HealAt > 0;

    public void Schedule()
    {
        for (var k = 0; k < _start.StartAt.Length; k++)
        {
            _oracle.ScheduleFault(_start.StartAt[k], new SimEvent(EventKind.NodeStart, k, -1, null, -1));
            if (_start.Stalls[k] is { } stall) _oracle.ScheduleFault(stall.From, new SimEvent(EventKind.StallStart, k, -1, null, -1));
        }
        if (!StartupPartition) return;
        _world.Net.Split(Enumerable.Range(0, _start.Side.Length).Where(k => _start.Side[k] == 1));
        _oracle.PartitionActive = true;
        _oracle.ScheduleFault(_start.Options.DetectionMs, new SimEvent(EventKind.StartupUnreachable, -1, -1, null, -1));
        _oracle.ScheduleFault(Math.Max(_start.HealAt, _start.Options.DetectionMs + 1), new SimEvent(EventKind.StartupHeal, -1, -1, null, -1));
    }

    public bool Started(int slot) => slot >= _started.Length || _started[slot];

    /// <summary>Slot <paramref name="slot"/> is stalled now (a loaded machine): it processes nothing until the returned time.</summary>
    public bool Stalled(int slot, out long until)
    {
        until = _world.Slots[slot].StalledUntil;
        return _world.Now < until;
    }

    private static int NodeOf(MemberId id) => int.Parse(id.Address.AsSpan(1));

    /// <summary>Akka's age order: founders in start order, then later nodes in the order they came.</summary>
    private static bool Older(MemberId a, MemberId b) => NodeOf(a) < NodeOf(b);

    /// <summary>The node's current incarnation: its newest slot, unless that one is dead.</summary>
    private int CurrentAt(string address)
    {
        var best = -1;
        for (var s = 0; s < _world.Ids.Count; s++)
        {
            if (_world.Ids[s].Address == address && (best < 0 || _world.Ids[s].Incarnation > _world.Ids[best].Incarnation)) best = s;
        }
        return best >= 0 && !_world.Slots[best].Gone && Started(best) ? best : -1;
    }

    private IEnumerable<int> OtherUpNodes(int slot) =>
        _world.Ids.Select(id => id.Address).Distinct().Where(a => a != _world.Ids[slot].Address).Select(CurrentAt).Where(s => s >= 0);

    private void StartNode(int slot)
    {
        _started[slot] = true;
        var self = _world.Ids[slot];
        var member = _world.Members[slot];
        _world.Current = slot;
        foreach (var other in OtherUpNodes(slot))
        {
            var otherId = _world.Ids[other];
            member.PeerNodeUp(otherId.Address, older: Older(otherId, self));
            if (CutOff(slot, other)) member.PeerNodeUnreachable(otherId.Address);
            if (!_world.Slots[other].Joining) continue;
            _world.Members[other].PeerNodeUp(self.Address, older: Older(self, otherId));
            if (CutOff(other, slot)) _world.Members[other].PeerNodeUnreachable(self.Address);
            Drain(other);
        }
        member.NodeUp();
        Drain(slot);
    }

    private bool _unreachableTold;

    private bool CutOff(int a, int b) => _unreachableTold && _start.Side[NodeOf(_world.Ids[a])] != _start.Side[NodeOf(_world.Ids[b])];

    private void TellSides(bool reachable)
    {
        _unreachableTold = !reachable;
        for (var s = 0; s < _world.Ids.Count; s++)
        {
            if (!Started(s) || _world.Slots[s].Gone || _world.Slots[s].Stopped) continue;
            foreach (var other in OtherUpNodes(s))
            {
                if (_start.Side[NodeOf(_world.Ids[s])] == _start.Side[NodeOf(_world.Ids[other])]) continue;
                _world.Current = s;
                if (reachable) _world.Members[s].PeerNodeReachable(_world.Ids[other].Address);
                else _world.Members[s].PeerNodeUnreachable(_world.Ids[other].Address);
            }
            Drain(s);
        }
    }

    private void Heal()
    {
        _world.Net.Heal();
        _oracle.PartitionActive = false;
        if (_unreachableTold) TellSides(reachable: true);
    }

    private void Stall(int slot)
    {
        var (from, until) = _start.Stalls[slot]!.Value;
        _world.Slots[slot].StalledUntil = until;
        _oracle.Log(new MemberStalled(_world.Ids[slot], until));
        _oracle.ScheduleFault(until, new SimEvent(EventKind.StallEnd, slot, -1, null, -1));
    }

    private void Drain(int slot)
    {
        _oracle.Drain(slot);
        _oracle.AfterEvent(slot);
    }

    /// <summary>Sends <paramref name="note"/> from <paramref name="from"/> to <paramref name="to"/>'s node over the announcement link (lossy at start, slow as configured).</summary>
    private void Post(int from, int to, Note note)
    {
        var loss = _world.Now < _start.AnnouncementLossUntilMs ? _start.Options.AnnouncementLoss : 0;
        if (_random.Chance(loss)) return;
        var delay = _random.NextInt(1, _start.Options.MaxAnnouncementDelayMs);
        // Not a membership event: a joiner announces until it is admitted, and that must not keep the run from ending.
        _world.Schedule(_world.Net.ArrivalOnLink(from, to, _world.Now, delay), new SimEvent(EventKind.DriverNote, to, from, null, (int)note));
    }

    /// <summary>An announcement, ack or NoGroup answer reaches its node.</summary>
    public void Arrive(SimEvent e) => Arrive(e.From, e.Member, (Note)e.PlanIndex);

    private void Arrive(int from, int to, Note note)
    {
        if (_world.Net.DropsOnArrival(from, to, _world.Now)) return;
        var target = CurrentAt(_world.Ids[to].Address);
        if (target < 0) return;
        if (Stalled(target, out var until) || _world.Slots[target].Paused)
        {
            // Read when the process runs again.
            _world.Schedule(Math.Max(until, _world.Slots[target].ResumeAt), new SimEvent(EventKind.DriverNote, target, from, null, (int)note));
            return;
        }
        var member = _world.Members[target];
        var s = _world.Slots[target];
        _world.Current = target;
        switch (note)
        {
            case Note.Announce when s.Stopped:
                // No group actor runs there any more: the node's guardian answers.
                Post(target, from, Note.NoGroup);
                return;
            case Note.Announce:
                _oracle.AskedToJoin(_world.Ids[from]);
                member.Announced(_world.Ids[from], fromOlderNode: Older(_world.Ids[from], _world.Ids[target]));
                break;
            case Note.Ack:
                if (s.Stopped) return;
                member.JoinAcknowledged(_world.Ids[from]);
                break;
            case Note.NoGroup:
                if (s.Stopped) return;
                member.NoGroupOn(_world.Ids[from].Address);
                break;
        }
        Drain(target);
    }

    public void Announce(int slot)
    {
        foreach (var other in OtherUpNodes(slot)) Post(slot, other, Note.Announce);
    }

    public void Ack(int slot, MemberId to)
    {
        if (_world.SlotOf.TryGetValue(to, out var target)) Post(slot, target, Note.Ack);
    }

    /// <summary>The probe of a coordinator goes to every Up node outside its view, over the ordinary (lossy) links.</summary>
    public IEnumerable<int> ProbeTargets(int slot, ImmutableArray<MemberId> view) =>
        OtherUpNodes(slot).Where(s => !view.Contains(_world.Ids[s]) && !_world.Slots[s].Stopped).ToList();

    /// <summary>What is sent to a member that closed its group to merge goes to its node's current incarnation (as the actor routes it).</summary>
    public int RouteTo(int slot)
    {
        if (_world.Slots[slot].StopReason != StopReason.Merged) return slot;
        var current = CurrentAt(_world.Ids[slot].Address);
        return current >= 0 ? current : slot;
    }

    /// <summary>Slot <paramref name="slot"/>'s group closed to merge: its node's next incarnation takes over with the application's state.</summary>
    public void MergingInto(int slot, MergingInto into)
    {
        var old = _world.Ids[slot];
        var id = old with { Incarnation = old.Incarnation + 1 };
        while (_world.SlotOf.ContainsKey(id)) id = id with { Incarnation = id.Incarnation + 1 };
        var next = _world.AddSlot(id, _world.Members[slot].MergeIncarnation(id, into.Handover, _world.Settings, _world.Now), null);
        var s = _world.Slots[next];
        s.MergeIncarnation = true;
        foreach (var (ticket, held) in _world.Slots[slot].Held) s.Held[ticket] = held;
        _world.Slots[slot].Held.Clear();
        _world.DeliveredList[next].AddRange(_world.DeliveredList[slot]);
        _world.DeliveredSet[next].UnionWith(_world.DeliveredSet[slot]);
        _oracle.AskedToJoin(id);
        _oracle.Log(new MemberMerging(old, id, into.Handover.Target.Members));
        _world.Members[next].ProvideSnapshot(into.Handover.Origin.Id, SnapshotCodec.Encode(_world.DeliveredList[next]));
        MergedMembers++;
        _follow.Add(next);
    }

    /// <summary>The other side's state joins the application's (a merge).</summary>
    public void MergeSnapshot(int slot, MergeSnapshot merge)
    {
        var ids = SnapshotCodec.Decode(merge.Side.Snapshot.Span);
        foreach (var id in ids)
        {
            if (_world.DeliveredSet[slot].Add(id)) _world.DeliveredList[slot].Add(id);
        }
        RecordMergedState(slot, merge.ViewId, ids);
    }

    /// <summary>The history records the messages of other groups that the application now holds without delivering them.</summary>
    public void RecordMergedState(int slot, long viewId, IEnumerable<MessageId> state)
    {
        var other = state.Where(id => !SameGroup(id.ViewId, viewId)).ToImmutableArray();
        if (other.Length > 0) _world.History[slot].Add(new MergedStateEvent(viewId, other) { TimeMs = _world.Now });
    }

    /// <summary>
    /// Slot <paramref name="slot"/> installs <paramref name="view"/>: a founder's one-member view counts as a founding; a
    /// merged incarnation's first view records the state it got from the group it joined (the ids of that group's views).
    /// </summary>
    public void BeforeInstall(int slot, GroupView view)
    {
        var s = _world.Slots[slot];
        if (s.View is not null) return;
        if (view.Size == 1 && view.Members[0] == _world.Ids[slot] && !s.MergeIncarnation) FoundedGroups++;
        if (s.MergeIncarnation)
        {
            var own = _world.DeliveredList[slot].Where(id => SameGroup(id.ViewId, view.Id)).ToImmutableArray();
            _world.History[slot].Add(new SnapshotLoadEvent(view.Id, own) { TimeMs = _world.Now });
            RecordMergedState(slot, view.Id, _world.DeliveredList[slot]);
        }
    }

    /// <summary>View ids of one group share their high bits (the founder's range; MergeRules.FoundingViewId).</summary>
    public static bool SameGroup(long viewA, long viewB) => viewA >> 32 == viewB >> 32;

    /// <summary>Drains the incarnations that merges started while another member's effects were handled.</summary>
    public void DrainFollowers()
    {
        while (_follow.Count > 0)
        {
            var next = _follow[0];
            _follow.RemoveAt(0);
            Drain(next);
        }
    }
}
