using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>
/// Everything the invariant checks need to know about a set of histories, built once and read by every
/// <see cref="IInvariantCheck"/>: the sends and their causal pasts, the views, and per member its deliveries, views,
/// snapshots, partitions and fate. It judges nothing: where the histories contradict themselves (an id sent twice, a
/// view id with two memberships, a delivery that no interleaving can put after its send) it records the fact for the
/// check that owns that rule.
/// </summary>
/// <remarks>
/// <para>
/// Happened-before: m1 -&gt; m2 when m1's sender sent m1 before m2, or m2's sender delivered m1 (or loaded a snapshot
/// holding m1) before sending m2, closed transitively. The past of a send is downward-closed per sender (a sender's
/// i-th message precedes its (i+1)-th), so it is held as a vector: entry q = how many of q's sends (a prefix in q's send
/// order) happened-before. Members are replayed in an interleaving that respects every member's local order and puts
/// each send before its deliveries; where no such interleaving exists the replay breaks the cycle and records it in
/// <see cref="ImpossibleReplays"/>.
/// </para>
/// <para>
/// A member's events are read up to its first crash (what follows a crash is only reported, never indexed).
/// A delivery is <em>accepted</em> when its message was sent and the member had not delivered it before: only accepted
/// deliveries count towards orders, views and state.
/// </para>
/// </remarks>
public sealed class HistoryIndex
{
    private readonly Dictionary<MemberId, int> _slot = new();
    private readonly Dictionary<MessageId, IndexedSend> _sends = new();
    private readonly Dictionary<(int Member, long View), List<MessageId>> _sendsByView = new();
    private readonly Dictionary<long, ImmutableArray<MemberId>> _views = new();
    private readonly HashSet<long> _closedViews = new();
    private readonly HashSet<MessageId> _survived = new();

    public HistoryIndex(IEnumerable<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        Histories = histories.ToArray();
        for (var i = 0; i < Histories.Count; i++)
        {
            if (!_slot.TryAdd(Histories[i].Member, i)) throw new ArgumentException($"Member {Histories[i].Member} has two histories.", nameof(histories));
        }

        var n = Histories.Count;
        var sendsBy = new List<MessageId>[n];
        var fates = new InvariantChecker.Fate[n];
        var duplicateSends = new List<(int, MessageId)>();
        for (var i = 0; i < n; i++)
        {
            fates[i] = InvariantChecker.FateOf(Histories[i]);
            sendsBy[i] = new List<MessageId>();
            foreach (var e in Histories[i].Events)
            {
                if (e is not SendEvent s) continue;
                sendsBy[i].Add(s.Id);
                if (!_sendsByView.TryGetValue((i, s.Id.ViewId), out var inView)) _sendsByView[(i, s.Id.ViewId)] = inView = new List<MessageId>();
                inView.Add(s.Id);
                var deps = s.DependsOn.IsDefault ? ImmutableArray<MessageId>.Empty : s.DependsOn;
                if (!_sends.TryAdd(s.Id, new IndexedSend(i, sendsBy[i].Count, inView.Count, s.Order, deps)))
                    duplicateSends.Add((i, s.Id));
            }
        }
        SendsBy = sendsBy;
        Fates = fates;
        DuplicateSends = duplicateSends;

        ViewConflicts = CollectViews();
        ImpossibleReplays = ComputePasts();
        CollectSurvivors();

        var snapshotViews = new HashSet<long>();
        foreach (var h in Histories)
        {
            foreach (var e in h.Events)
            {
                if (e is SnapshotLoadEvent load) snapshotViews.Add(load.ViewId);
            }
        }
        var members = new MemberIndex[n];
        for (var p = 0; p < n; p++) members[p] = new MemberIndex(this, p, snapshotViews);
        Members = members;
    }

    /// <summary>The histories, in the order given; a member's position here is its index everywhere else.</summary>
    public IReadOnlyList<MemberHistory> Histories { get; }
    public int Count => Histories.Count;
    public MemberId MemberAt(int p) => Histories[p].Member;
    public bool TryIndexOf(MemberId member, out int p) => _slot.TryGetValue(member, out p);
    public IReadOnlyList<InvariantChecker.Fate> Fates { get; }
    public IReadOnlyList<MemberIndex> Members { get; }

    /// <summary>Every sent id, by its first send event.</summary>
    public IReadOnlyDictionary<MessageId, IndexedSend> Sends => _sends;
    /// <summary>Per member, the ids it sent, in send order (an id sent twice is listed twice).</summary>
    public IReadOnlyList<IReadOnlyList<MessageId>> SendsBy { get; }
    /// <summary>The ids <paramref name="member"/> sent in view <paramref name="view"/>, in send order.</summary>
    public IReadOnlyList<MessageId> SendsInView(int member, long view) => _sendsByView[(member, view)];
    /// <summary>A send event whose id an earlier send (of any member) had already used.</summary>
    public IReadOnlyList<(int Member, MessageId Id)> DuplicateSends { get; }

    /// <summary>Every installed view id, with the membership of its first install.</summary>
    public IReadOnlyDictionary<long, ImmutableArray<MemberId>> Views => _views;
    /// <summary>An install of a view id with another membership than its first install (by <c>FirstBy</c>).</summary>
    public IReadOnlyList<ViewConflict> ViewConflicts { get; }
    /// <summary>Deliveries (or snapshot entries) that no interleaving of the histories puts after their send: causal cycles.</summary>
    public IReadOnlyList<(int Member, MessageId Id, bool InSnapshot)> ImpossibleReplays { get; }

    /// <summary>
    /// A message of a view that some member closed (installed a later view) that no member carried across: gone for
    /// good, so causality through it binds nobody.
    /// </summary>
    public bool IsLost(MessageId id) => _closedViews.Contains(id.ViewId) && !_survived.Contains(id);

    private List<ViewConflict> CollectViews()
    {
        var conflicts = new List<ViewConflict>();
        var owner = new Dictionary<long, MemberId>();
        for (var p = 0; p < Histories.Count; p++)
        {
            foreach (var e in Histories[p].Events)
            {
                if (e is not ViewEvent v) continue;
                if (!_views.TryGetValue(v.ViewId, out var members))
                {
                    _views[v.ViewId] = v.Members;
                    owner[v.ViewId] = Histories[p].Member;
                }
                else if (!members.SequenceEqual(v.Members))
                {
                    conflicts.Add(new ViewConflict(p, v, owner[v.ViewId], members));
                }
            }
        }
        return conflicts;
    }

    private List<(int, MessageId, bool)> ComputePasts()
    {
        var impossible = new List<(int, MessageId, bool)>();
        var n = Histories.Count;
        var position = new int[n];
        var sendCount = new int[n];
        var knowledge = new int[n][];
        for (var i = 0; i < n; i++) knowledge[i] = new int[n];

        while (true)
        {
            var progress = false;
            var done = true;
            for (var i = 0; i < n; i++)
            {
                var events = Histories[i].Events;
                while (position[i] < events.Count)
                {
                    var e = events[position[i]];
                    if (e is SendEvent send)
                    {
                        sendCount[i]++;
                        var s = _sends[send.Id];
                        if (s.Member == i && s.Index == sendCount[i]) s.Past = (int[])knowledge[i].Clone();
                        knowledge[i][i] = sendCount[i];
                    }
                    else if (e is DeliverEvent deliver && _sends.TryGetValue(deliver.Id, out var s))
                    {
                        if (s.Past is null) break; // its send is not replayed yet
                        Merge(knowledge[i], s);
                    }
                    else if (e is SnapshotLoadEvent load)
                    {
                        if (FirstUnreplayed(load) is not null) break;
                        foreach (var id in load.State)
                        {
                            if (_sends.TryGetValue(id, out var held)) Merge(knowledge[i], held);
                        }
                    }
                    position[i]++;
                    progress = true;
                }
                if (position[i] < events.Count) done = false;
            }
            if (done) return impossible;
            if (progress) continue;

            // Every remaining member waits for a send that comes after its delivery: a causal cycle. Break it at a
            // member that waits for its own send if there is one (the root of the cycle), else at the first member.
            var stuck = -1;
            for (var i = 0; i < n && stuck < 0; i++)
            {
                if (position[i] < Histories[i].Events.Count && _sends[WaitingFor(Histories[i].Events[position[i]])].Member == i) stuck = i;
            }
            for (var i = stuck < 0 ? 0 : stuck; i < n; i++)
            {
                var events = Histories[i].Events;
                if (position[i] >= events.Count) continue;
                var e = events[position[i]];
                var id = WaitingFor(e);
                var s = _sends[id];
                impossible.Add((i, id, e is SnapshotLoadEvent));
                if (s.Index > knowledge[i][s.Member]) knowledge[i][s.Member] = s.Index;
                position[i]++;
                break;
            }
        }
    }

    private MessageId WaitingFor(HistoryEvent e) => e is SnapshotLoadEvent load ? FirstUnreplayed(load)!.Value : ((MessageEvent)e).Id;

    private static void Merge(int[] knowledge, IndexedSend s)
    {
        var past = s.Past!;
        for (var q = 0; q < knowledge.Length; q++)
        {
            if (past[q] > knowledge[q]) knowledge[q] = past[q];
        }
        if (s.Index > knowledge[s.Member]) knowledge[s.Member] = s.Index;
    }

    private MessageId? FirstUnreplayed(SnapshotLoadEvent load)
    {
        if (load.State.IsDefault) return null;
        foreach (var id in load.State)
        {
            if (_sends.TryGetValue(id, out var s) && s.Past is null) return id;
        }
        return null;
    }

    /// <summary>The views some member closed, and the messages some member delivered before installing a later view.</summary>
    private void CollectSurvivors()
    {
        foreach (var h in Histories)
        {
            long? previous = null;
            foreach (var e in h.Events)
            {
                if (e is not ViewEvent v) continue;
                if (previous is { } closed) _closedViews.Add(closed);
                previous = v.ViewId;
            }
        }
        var pending = new List<MessageId>();
        foreach (var h in Histories)
        {
            pending.Clear();
            foreach (var e in h.Events)
            {
                if (e is DeliverEvent d) pending.Add(d.Id);
                else if (e is ViewEvent)
                {
                    _survived.UnionWith(pending);
                    pending.Clear();
                }
            }
        }
    }
}

/// <summary>One sent message: who sent it, where it stands in the sender's order, what it asked for, and its causal past.</summary>
public sealed class IndexedSend(int member, int index, int viewIndex, DeliveryOrder order, ImmutableArray<MessageId> dependsOn)
{
    /// <summary>Index of the sending member's history.</summary>
    public int Member { get; } = member;
    /// <summary>1-based position among the sender's sends.</summary>
    public int Index { get; } = index;
    /// <summary>1-based position among the sender's sends in the message's view.</summary>
    public int ViewIndex { get; } = viewIndex;
    public DeliveryOrder Order { get; } = order;
    public ImmutableArray<MessageId> DependsOn { get; } = dependsOn;
    /// <summary>Entry q: how many of q's sends happened-before this one (set once while the index is built).</summary>
    public IReadOnlyList<int> PastVector => Past!;
    internal int[]? Past { get; set; }
}

/// <summary>Member <see cref="Member"/> installed <see cref="Install"/>; <see cref="FirstBy"/> had installed the same view id as <see cref="FirstMembers"/>.</summary>
public sealed record ViewConflict(int Member, ViewEvent Install, MemberId FirstBy, ImmutableArray<MemberId> FirstMembers);

/// <summary>One delivery event of a member before its crash.</summary>
/// <param name="EventIndex">Position of the event in the member's history.</param>
/// <param name="Sent">The message's send, or null when it was never sent.</param>
/// <param name="Repeat">The member had delivered this id before.</param>
/// <param name="View">The member's view at the time (null without view events).</param>
/// <param name="AfterStop">The member had stopped before.</param>
public sealed record IndexedDelivery(int EventIndex, DeliverEvent Event, IndexedSend? Sent, bool Repeat, long? View, bool AfterStop)
{
    public MessageId Id => Event.Id;
    /// <summary>Sent and not a repeat: counts towards orders, views and state.</summary>
    public bool Accepted => Sent is not null && !Repeat;
}

/// <summary>What the index knows about one member's history.</summary>
public sealed class MemberIndex
{
    private readonly List<IndexedDelivery> _deliveries = new();
    private readonly HashSet<MessageId> _delivered = new();
    private readonly List<MessageId> _deliveryList = new();
    private readonly List<MessageId> _totalSequence = new();
    private readonly Dictionary<long, List<MessageId>> _deliveredByView = new();
    private readonly List<long> _views = new();
    private readonly List<(long From, long To)> _transitions = new();
    private readonly Dictionary<long, HashSet<MessageId>> _stateAtInstall = new();
    private readonly List<(long ViewId, HashSet<MessageId> State)> _snapshots = new();
    private readonly Dictionary<int, int> _partitions = new();

    internal MemberIndex(HistoryIndex index, int p, HashSet<long> snapshotViews)
    {
        Member = p;
        var events = index.Histories[p].Events;
        foreach (var e in events)
        {
            if (e is ViewEvent v0) { FirstView = v0.ViewId; break; }
            if (e is SnapshotLoadEvent l0) { FirstView = l0.ViewId; break; }
        }

        long? current = null;
        var stopped = false;
        HashSet<MessageId>? snapshotState = null;
        CrashIndex = -1;
        for (var k = 0; k < events.Count && CrashIndex < 0; k++)
        {
            switch (events[k])
            {
                case CrashEvent:
                    CrashIndex = k;
                    break;
                case StopEvent or FailedEvent:
                    stopped = true;
                    break;
                case PartitionEvent split:
                    _partitions[split.Number] = k;
                    break;
                case ViewEvent v:
                    if (current is { } previous) _transitions.Add((previous, v.ViewId));
                    _views.Add(v.ViewId);
                    current = v.ViewId;
                    if (snapshotViews.Contains(v.ViewId))
                    {
                        var now = new HashSet<MessageId>(_delivered);
                        if (snapshotState is not null) now.UnionWith(snapshotState);
                        _stateAtInstall[v.ViewId] = now;
                    }
                    break;
                case SnapshotLoadEvent load:
                    snapshotState = load.State.IsDefault ? new HashSet<MessageId>() : new HashSet<MessageId>(load.State);
                    _snapshots.Add((load.ViewId, snapshotState));
                    break;
                case DeliverEvent d:
                {
                    index.Sends.TryGetValue(d.Id, out var sent);
                    var delivery = new IndexedDelivery(k, d, sent, !_delivered.Add(d.Id), current, stopped);
                    _deliveries.Add(delivery);
                    if (!delivery.Accepted) break;
                    _deliveryList.Add(d.Id);
                    if (current is not null)
                    {
                        if (!_deliveredByView.TryGetValue(d.Id.ViewId, out var inView)) _deliveredByView[d.Id.ViewId] = inView = new List<MessageId>();
                        inView.Add(d.Id);
                    }
                    if (sent!.Order == DeliveryOrder.Total) _totalSequence.Add(d.Id);
                    break;
                }
            }
        }
    }

    public int Member { get; }
    /// <summary>The first view the member was part of (its first view or snapshot); messages of earlier views reach it through the snapshot only.</summary>
    public long FirstView { get; } = long.MinValue;
    /// <summary>Position of the member's first crash event, or -1.</summary>
    public int CrashIndex { get; }
    /// <summary>Every delivery event before the crash, in local order.</summary>
    public IReadOnlyList<IndexedDelivery> Deliveries => _deliveries;
    /// <summary>Every id delivered before the crash (sent or not).</summary>
    public IReadOnlySet<MessageId> Delivered => _delivered;
    /// <summary>The accepted deliveries' ids, in order.</summary>
    public IReadOnlyList<MessageId> DeliveryList => _deliveryList;
    /// <summary>The accepted deliveries of total-order messages, in order.</summary>
    public IReadOnlyList<MessageId> TotalSequence => _totalSequence;
    /// <summary>Accepted deliveries made while in some view, by the message's view id.</summary>
    public IReadOnlyDictionary<long, List<MessageId>> DeliveredByView => _deliveredByView;
    public IReadOnlyList<long> Views => _views;
    /// <summary>Each pair of consecutive views the member installed.</summary>
    public IReadOnlyList<(long From, long To)> Transitions => _transitions;
    /// <summary>For views some joiner loaded a snapshot for: the member's state (snapshot plus deliveries) when it installed the view.</summary>
    public IReadOnlyDictionary<long, HashSet<MessageId>> StateAtInstall => _stateAtInstall;
    public IReadOnlyList<(long ViewId, HashSet<MessageId> State)> Snapshots => _snapshots;
    /// <summary>Partition number → position of its event in the history.</summary>
    public IReadOnlyDictionary<int, int> Partitions => _partitions;
}
