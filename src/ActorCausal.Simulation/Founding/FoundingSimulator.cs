using System.Collections.Immutable;
using System.Text;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Driving;

namespace ActorCausal.Simulation.Founding;

/// <summary>The outcome of one start-up schedule (<see cref="FoundingSimulator"/>).</summary>
public sealed record FoundingResult
{
    public required ulong Seed { get; init; }
    public required ImmutableArray<InvariantViolation> Violations { get; init; }
    /// <summary>The run settled before the horizon: one view, holding every node's member, nothing buffered or held.</summary>
    public required bool Stable { get; init; }
    public required long EndTimeMs { get; init; }
    /// <summary>Groups founded (one-member view 1 installs): more than one means a merge was needed.</summary>
    public required int Foundings { get; init; }
    /// <summary>Members that stopped to merge into another group.</summary>
    public required int MergedMembers { get; init; }
    public required int Broadcasts { get; init; }
    public required long Deliveries { get; init; }
    public required int RejectedInputs { get; init; }
    /// <summary>The first few refused inputs, as text.</summary>
    public required ImmutableArray<string> RejectionSamples { get; init; }
    /// <summary>Every member's last view and phase when the run ended, as text (for failure reports).</summary>
    public required ImmutableArray<string> FinalStates { get; init; }
    public required IReadOnlyList<MemberHistory> Histories { get; init; }
    public required IReadOnlyList<ApplicationRecord> Applications { get; init; }
    public bool HasViolations => !Violations.IsEmpty;
}

/// <summary>
/// Runs concurrent founders through the real protocol with the driver's duties as the Akka actor does them: announcements
/// to every Up node (Announced, with Akka's age order), acks, probes to every Up node outside the view, a message to a member
/// goes to its node's current incarnation, a merge starts the node's next incarnation with the application's state. The
/// application's state is the ordered set of run-wide message ids it delivered, loaded or merged. Checks: the usual
/// invariants per group (members that installed one view are one group), one view per group name once stable, the losing
/// side's closing view, and that every live application saw both sides.
/// </summary>
public sealed class FoundingSimulator : IEffectHandler<FoundingSimulator.Source>
{
    private readonly FoundingOptions _o;
    private readonly ulong _seed;
    private readonly DeterministicRandom _net;
    private readonly DeterministicRandom _work;
    private readonly GroupMemberSettings _settings;
    private readonly List<Node> _nodes = new();
    private readonly List<Slot> _slots = new();
    private readonly Dictionary<MemberId, Slot> _byId = new();
    private readonly PriorityQueue<Arrival, (long, long)> _queue = new();
    private readonly List<(long At, int Node, DeliveryOrder Order, int Index)> _plan = new();
    private readonly List<Effect> _effects = new();
    private readonly int[] _side;
    private readonly long _healAt;
    private long _seq;
    private long _now;
    private int _accepted;
    private long _deliveries;
    private int _rejected;
    private readonly List<string> _rejectionSamples = new();

    private sealed class Node(int index, long startAt)
    {
        public int Index { get; } = index;
        public long StartAt { get; } = startAt;
        /// <summary>A loaded machine: from <see cref="StallFrom"/> to <see cref="StallUntil"/> the node runs nothing.</summary>
        public long StallFrom { get; set; } = long.MaxValue;
        public long StallUntil { get; set; } = long.MinValue;
        public bool Up { get; set; }
        public int Incarnations { get; set; }
        public Slot? Current { get; set; }
        public List<string> State { get; set; } = new();
        public HashSet<string> StateSet { get; set; } = new();
        public HashSet<string> Delivered { get; } = new();
    }

    private sealed class Slot(Node node, MemberId id, GroupMember member)
    {
        public Node Node { get; } = node;
        public MemberId Id { get; } = id;
        public GroupMember Member { get; } = member;
        public List<HistoryEvent> History { get; } = new();
        public string? Lineage { get; set; }
        public Dictionary<long, DeliveryOrder> Held { get; set; } = new();
        public List<string[]> PendingLoads { get; } = new();
        public bool Stopped { get; set; }
    }

    private sealed record Arrival(int To, MemberId From, int FromNode, object Message);
    private sealed record Announcement;
    private sealed record Ack;
    /// <summary>The answer of a node that runs no group actor of the name (its guardian's, in the runtime).</summary>
    private sealed record NoGroup;

    public FoundingSimulator(FoundingOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _o = options;
        _seed = seed;
        _net = DeterministicRandom.ForStream(seed, 22);
        _work = DeterministicRandom.ForStream(seed, 23);
        var mode = DeterministicRandom.ForStream(seed, 24).NextInt(2) == 0 ? TotalOrderMode.ThreeStep : TotalOrderMode.TwoStep;
        _settings = options.Settings with { TotalOrder = mode };
        var starts = Enumerable.Range(0, options.Nodes).Select(i => i == 0 ? 0L : _work.NextInt(0, options.MaxStartSkewMs)).OrderBy(t => t).ToArray();
        for (var i = 0; i < options.Nodes; i++) _nodes.Add(new Node(i, starts[i]));
        _side = new int[options.Nodes];
        if (options.StartupPartition && options.Nodes > 1)
        {
            var cut = 1 + _work.NextInt(options.Nodes - 1);
            var order = Enumerable.Range(0, options.Nodes).OrderBy(_ => _work.NextUInt64()).ToArray();
            for (var k = 0; k < cut; k++) _side[order[k]] = 1;
            _healAt = _work.NextInt(options.HealMinMs, options.HealMaxMs);
        }
        foreach (var node in _nodes)
        {
            if (!_work.Chance(options.StallProbability)) continue;
            node.StallFrom = _work.NextInt(0, options.MaxStartSkewMs + 500);
            node.StallUntil = node.StallFrom + _work.NextInt(options.MaxStallMs / 2, options.MaxStallMs);
        }
        var orders = new[] { DeliveryOrder.Fifo, DeliveryOrder.Causal, DeliveryOrder.Total, DeliveryOrder.Explicit };
        for (var k = 0; k < options.Messages; k++)
            _plan.Add((_work.NextInt(0, options.WorkloadMs), _work.NextInt(options.Nodes), orders[_work.NextInt(orders.Length)], k));
        _plan.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Index.CompareTo(b.Index));
    }

    public static FoundingResult Run(FoundingOptions options, ulong seed) => new FoundingSimulator(options, seed).Run();

    public FoundingResult Run()
    {
        var violations = new List<InvariantViolation>();
        var next = 0;
        var pendingPlan = new List<(long At, int Node, DeliveryOrder Order, int Index)>();
        var stable = false;
        var lastStart = _nodes.Max(n => n.StartAt);
        try
        {
            for (_now = 0; _now <= _o.HorizonMs; _now += _o.TickIntervalMs)
            {
                while (_queue.TryPeek(out _, out var key) && key.Item1 <= _now)
                {
                    var a = _queue.Dequeue();
                    if (Stalled(_nodes[a.To])) _queue.Enqueue(a, (_nodes[a.To].StallUntil, _seq++)); // read once it runs again
                    else Arrive(a);
                }
                UpdateReachability();
                foreach (var node in _nodes)
                {
                    if (node.Up || _now < node.StartAt || Stalled(node)) continue;
                    node.Up = true;
                    var slot = NewSlot(node, id => GroupMember.Joining(id, _settings, _now));
                    slot.Member.NodeUp();
                    Drain(slot);
                }
                while (next < _plan.Count && _plan[next].At <= _now) pendingPlan.Add(_plan[next++]);
                for (var k = 0; k < pendingPlan.Count; k++)
                {
                    if (TryBroadcast(pendingPlan[k])) pendingPlan.RemoveAt(k--);
                }
                foreach (var node in _nodes)
                {
                    if (node.Current is not { Stopped: false } s || Stalled(node)) continue;
                    s.Member.Tick(_now);
                    Drain(s);
                }
                if (_now % 100 == 0 && next == _plan.Count && pendingPlan.Count == 0 && _now >= lastStart && _now >= _healAt && IsSettled())
                {
                    stable = true;
                    break;
                }
            }
        }
        catch (Exception e)
        {
            violations.Add(new InvariantViolation(ViolationKind.Crash, default, [], e.ToString()));
        }

        var histories = _slots.Select(s => new MemberHistory(s.Id, s.History.ToArray())).ToList();
        foreach (var lineage in OneViewPerNameChecker.Lineages(histories))
            violations.AddRange(InvariantChecker.Check(lineage, new CheckerOptions { CheckValidity = stable }));
        var apps = _nodes.Where(n => n.Current is not null)
            .Select(n => new ApplicationRecord(n.Current!.Id, !n.Current.Stopped, n.Delivered.ToList(), n.State.ToList())).ToList();
        if (stable)
        {
            violations.AddRange(new InvariantChecker(histories, [new Simulation.Checking.Checks.OneViewPerNameCheck()]).Check(new CheckerOptions { OneViewPerNameOnceStable = true }));
            violations.AddRange(MergeChecker.BothSidesSeen(apps));
        }
        else
        {
            violations.Add(new InvariantViolation(ViolationKind.Quiescence, default, [], $"not settled at {_now} ms: {Unsettled()}"));
        }
        return new FoundingResult
        {
            Seed = _seed,
            Violations = violations.ToImmutableArray(),
            Stable = stable,
            EndTimeMs = _now,
            Foundings = histories.Count(h => h.Events.OfType<ViewEvent>().FirstOrDefault() is { Members.Length: 1 } v && v.Members[0] == h.Member && h.Events.OfType<SnapshotLoadEvent>().FirstOrDefault() is null),
            MergedMembers = histories.Count(h => h.Events.OfType<StopEvent>().Any(s => s.Reason == StopReason.Merged)),
            Broadcasts = _accepted,
            Deliveries = _deliveries,
            RejectedInputs = _rejected,
            RejectionSamples = _rejectionSamples.ToImmutableArray(),
            FinalStates = _slots.Select(x => $"{x.Id} {x.Member.Phase} {x.Member.View} buffered {x.Member.BufferedMessages}").ToImmutableArray(),
            Histories = histories,
            Applications = apps,
        };
    }

    private bool IsSettled() => Unsettled() is null;

    private bool Stalled(Node node) => _now >= node.StallFrom && _now < node.StallUntil;

    /// <summary>The two sides of a start-up partition see each other unreachable from detection until the heal.</summary>
    private bool SeesUnreachable(int a, int b) => _side[a] != _side[b] && _now >= _o.DetectionMs && _now < _healAt;

    private bool _unreachableShown;

    private void UpdateReachability()
    {
        var now = _healAt > 0 && _now >= _o.DetectionMs && _now < _healAt;
        if (now == _unreachableShown) return;
        _unreachableShown = now;
        foreach (var node in _nodes)
        {
            if (node.Current is not { Stopped: false } s) continue;
            foreach (var other in _nodes.Where(o => _side[o.Index] != _side[node.Index]))
            {
                if (now) s.Member.PeerNodeUnreachable(AddressOf(other));
                else s.Member.PeerNodeReachable(AddressOf(other));
            }
            Drain(s);
        }
    }

    private static string AddressOf(Node node) => $"m{node.Index}";

    /// <summary>What the runtime tells a new incarnation of the cluster: every other node is Up (ages in start order), some unreachable.</summary>
    private void TellCluster(Slot slot)
    {
        foreach (var other in _nodes)
        {
            if (other == slot.Node) continue;
            slot.Member.PeerNodeUp(AddressOf(other), older: other.Index < slot.Node.Index);
            if (SeesUnreachable(slot.Node.Index, other.Index)) slot.Member.PeerNodeUnreachable(AddressOf(other));
        }
    }

    private string? Unsettled()
    {
        GroupView? view = null;
        foreach (var node in _nodes)
        {
            if (node.Current is not { } s) return $"node {node.Index} has not started";
            var m = s.Member;
            if (s.Stopped) return $"{s.Id} stopped";
            if (m.Phase != MemberPhase.Normal) return $"{s.Id} is {m.Phase}";
            if (s.Held.Count > 0 || m.BufferedMessages > 0) return $"{s.Id} holds {s.Held.Count} broadcasts and buffers {m.BufferedMessages} messages";
            view ??= m.View;
            if (!view.Equals(m.View)) return $"{s.Id} is in {m.View}, {_nodes[0].Current!.Id} in {view}";
        }
        if (view is not null && view.Size != _nodes.Count) return $"{view} does not hold every node";
        return null;
    }

    private Slot NewSlot(Node node, Func<MemberId, GroupMember> create)
    {
        var id = new MemberId($"m{node.Index}", ++node.Incarnations);
        var slot = new Slot(node, id, create(id));
        _slots.Add(slot);
        _byId[id] = slot;
        node.Current = slot;
        TellCluster(slot);
        return slot;
    }

    private bool TryBroadcast((long At, int Node, DeliveryOrder Order, int Index) planned)
    {
        if (_nodes[planned.Node].Current is not { Stopped: false } s) return false;
        var m = s.Member;
        if (m.Phase == MemberPhase.Joining && !m.IsMergeJoining) return false;
        var result = m.Broadcast("w" + planned.Index, planned.Order);
        if (!result.Accepted) return false;
        _accepted++;
        if (result.IsHeld) s.Held[result.Ticket] = planned.Order;
        else s.History.Add(new SendEvent(result.Id, planned.Order) { TimeMs = _now });
        Drain(s);
        return true;
    }

    private bool Partitioned(int a, int b) => _now < _healAt && _side[a] != _side[b];

    private void Post(int fromNode, MemberId from, int to, object message, bool announcement, double loss)
    {
        if (to < 0 || to >= _nodes.Count || to == fromNode && message is not ProtocolMessage) return;
        if (_net.Chance(loss)) return;
        var delay = announcement ? _net.NextInt(1, _o.MaxAnnouncementDelayMs) : _net.NextInt(_o.MinDelayMs, _o.MaxDelayMs);
        _queue.Enqueue(new Arrival(to, from, fromNode, message), (_now + delay, _seq++));
    }

    private void Arrive(Arrival a)
    {
        if (Partitioned(a.FromNode, a.To)) return;
        if (_nodes[a.To].Current is not { Stopped: false } target)
        {
            // No group actor there: the node's guardian says so to a joiner that announced itself.
            if (a.Message is Announcement) Post(a.To, a.From, a.FromNode, new NoGroup(), true, AnnouncementLossNow);
            return;
        }
        var m = target.Member;
        switch (a.Message)
        {
            case ProtocolMessage pm:
                var arriving = _o.Wire is { } wire ? wire(a.From, target.Id, pm) : pm;
                m.Receive(a.From, arriving);
                break;
            case Announcement:
                // The runtime feeds an announcement only from the node's current incarnation (the joiner's uid and count).
                m.Announced(a.From, fromOlderNode: a.FromNode < a.To);
                break;
            case Ack:
                m.JoinAcknowledged(a.From);
                break;
            case NoGroup:
                m.NoGroupOn(AddressOf(_nodes[a.FromNode]));
                break;
        }
        Drain(target);
    }

    private double AnnouncementLossNow => _now < _o.AnnouncementLossUntilMs ? _o.AnnouncementLoss : 0;

    private static int NodeOf(MemberId id) => int.Parse(id.Address.AsSpan(1));

    private void Drain(Slot s)
    {
        var follow = new List<Slot>();
        while (true)
        {
            _effects.Clear();
            if (s.Member.DrainEffects(_effects) == 0) break;
            foreach (var effect in _effects.ToList()) EffectDriver.Apply(new Source(s, follow), effect, this);
        }
        foreach (var f in follow) Drain(f);
    }

    /// <summary>The member whose effect is handled, and the new incarnations to drain after it.</summary>
    private readonly record struct Source(Slot Slot, List<Slot> Follow);

    void IEffectHandler<Source>.Send(Source from, Send send) => Post(from.Slot.Node.Index, from.Slot.Id, NodeOf(send.To), send.Message, false, _o.Loss);

    void IEffectHandler<Source>.SendToAll(Source from, SendToAll all)
    {
        var s = from.Slot;
        foreach (var m in s.Member.View.Members)
        {
            if (m != s.Id) Post(s.Node.Index, s.Id, NodeOf(m), all.Message, false, _o.Loss);
        }
    }

    // To every other cluster node, as the runtime does; one that runs no group answers NoGroup.
    void IEffectHandler<Source>.AnnounceJoin(Source from, AnnounceJoin announce)
    {
        var loss = AnnouncementLossNow;
        foreach (var other in _nodes.Where(n => n != from.Slot.Node)) Post(from.Slot.Node.Index, from.Slot.Id, other.Index, new Announcement(), true, loss);
    }

    void IEffectHandler<Source>.AckJoin(Source from, AckJoin ack) => Post(from.Slot.Node.Index, from.Slot.Id, NodeOf(ack.To), new Ack(), true, AnnouncementLossNow);

    void IEffectHandler<Source>.ProbeOtherNodes(Source from, ProbeOtherNodes probe)
    {
        var node = from.Slot.Node;
        foreach (var other in _nodes.Where(n => n.Up && n != node && n.Current is { } c && !probe.Probe.Members.Contains(c.Id)))
            Post(node.Index, from.Slot.Id, other.Index, probe.Probe, true, _o.ProbeLoss);
    }

    void IEffectHandler<Source>.Deliver(Source at, Deliver d)
    {
        var s = at.Slot;
        _deliveries++;
        s.History.Add(new DeliverEvent(d.Message.Id, d.Sender, d.Message.Order) { TimeMs = _now });
        var gid = $"{s.Lineage}/{d.Message.Id}";
        s.Node.Delivered.Add(gid);
        if (s.Node.StateSet.Add(gid)) s.Node.State.Add(gid);
    }

    void IEffectHandler<Source>.ViewInstalled(Source at, ViewInstalled v)
    {
        var s = at.Slot;
        if (s.Lineage is null)
        {
            s.Lineage = v.View.Members[0] == s.Id ? s.Id.ToString() : _byId[v.View.Members[0]].Lineage;
            var prefix = s.Lineage + "/";
            if (s.PendingLoads.Count > 0)
            {
                var own = s.PendingLoads.SelectMany(x => x).Where(g => g.StartsWith(prefix, StringComparison.Ordinal))
                    .Select(g => ParseId(g[prefix.Length..])).Distinct().ToImmutableArray();
                s.History.Add(new SnapshotLoadEvent(v.View.Id, own) { TimeMs = _now });
            }
        }
        s.History.Add(new ViewEvent(v.View.Id, v.View.Members) { TimeMs = _now });
    }

    void IEffectHandler<Source>.TakeSnapshot(Source at, TakeSnapshot take) => at.Slot.Member.ProvideSnapshot(take.ViewId, Encode(at.Slot.Node.State));

    void IEffectHandler<Source>.LoadSnapshot(Source at, LoadSnapshot load)
    {
        var state = Decode(load.Snapshot);
        at.Slot.Node.State = state.ToList();
        at.Slot.Node.StateSet = state.ToHashSet();
        at.Slot.PendingLoads.Add(state);
    }

    void IEffectHandler<Source>.MergeSnapshot(Source at, MergeSnapshot merge)
    {
        var node = at.Slot.Node;
        var state = Decode(merge.Side.Snapshot);
        foreach (var gid in state)
        {
            if (node.StateSet.Add(gid)) node.State.Add(gid);
        }
        if (at.Slot.Lineage is null) at.Slot.PendingLoads.Add(state);
    }

    void IEffectHandler<Source>.MergingInto(Source at, MergingInto into)
    {
        var s = at.Slot;
        var held = s.Held;
        s.Held = new();
        var nextSlot = NewSlot(s.Node, id => GroupMember.Merging(id, into.Handover, _settings, _now));
        nextSlot.Held = held;
        nextSlot.Member.ProvideSnapshot(into.Handover.Origin.Id, Encode(s.Node.State));
        at.Follow.Add(nextSlot);
    }

    void IEffectHandler<Source>.HeldBroadcastSent(Source at, HeldBroadcastSent sent)
    {
        var s = at.Slot;
        if (s.Held.Remove(sent.Ticket, out var order)) s.History.Add(new SendEvent(sent.Id, order) { TimeMs = _now });
        else throw new InvalidOperationException($"{s.Id}: HeldBroadcastSent for unknown ticket {sent.Ticket}.");
    }

    void IEffectHandler<Source>.Stopped(Source at, Stopped stop)
    {
        at.Slot.Stopped = true;
        at.Slot.History.Add(new StopEvent(stop.Reason, stop.Detail) { TimeMs = _now });
    }

    void IEffectHandler<Source>.InputRejected(Source at, InputRejected r)
    {
        _rejected++;
        if (_rejectionSamples.Count < 5) _rejectionSamples.Add($"@{_now} {at.Slot.Id} refused {r.From}: {r.Reason} {r.Detail}");
    }

    void IEffectHandler<Source>.ClockSkewExceeded(Source at, ClockSkewExceeded skew) { }
    void IEffectHandler<Source>.ViewChangedByMinority(Source at, ViewChangedByMinority minority) { }
    void IEffectHandler<Source>.PeerSuspected(Source at, PeerSuspected suspected) { }
    void IEffectHandler<Source>.PeerReachable(Source at, PeerReachable reachable) { }

    private static MessageId ParseId(string text)
    {
        var parts = text.Split('.');
        return new MessageId(long.Parse(parts[0]), int.Parse(parts[1]), long.Parse(parts[2]));
    }

    private static byte[] Encode(List<string> state) => Encoding.UTF8.GetBytes(string.Join("\n", state));

    private static string[] Decode(ReadOnlyMemory<byte> bytes) =>
        bytes.IsEmpty ? [] : Encoding.UTF8.GetString(bytes.Span).Split('\n');
}
