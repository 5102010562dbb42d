using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>What <see cref="InvariantChecker"/> checks beyond the safety rules that always apply.</summary>
public sealed record CheckerOptions
{
    /// <summary>
    /// Also require that every correct member delivered what it must (invariant 5 and agreement among correct members);
    /// only meaningful at the end of a run.
    /// </summary>
    public bool CheckValidity { get; init; } = true;

    /// <summary>
    /// Check total order (invariant 4) also between members that did not stay correct (crashed, downed, left) and the
    /// others. Disagreements seen only through such members are reported as <see cref="ViolationKind.UniformTotal"/>;
    /// false (the default) leaves them out: the protocol promises agreement among members that stay correct, not
    /// uniform agreement (docs/protocol.md, Limits).
    /// </summary>
    public bool UniformTotalOrder { get; init; }
}

/// <summary>
/// Checks invariants 1-6 of the design, the view rules and the partition rule against per-member histories. It shares
/// no logic with the protocol and never reads its clocks: happened-before is rebuilt from the histories alone.
/// </summary>
/// <remarks>
/// <para>
/// Happened-before: m1 -&gt; m2 when m1's sender sent m1 before m2, or m2's sender delivered m1 (or loaded a snapshot
/// holding m1) before sending m2, closed transitively. The past of a send is downward-closed per sender (a sender's
/// i-th message precedes its (i+1)-th), so it is held as a vector: entry q = how many of q's sends (a prefix in q's send
/// order) happened-before. Members are replayed in an interleaving that respects every member's local order and puts
/// each send before its deliveries; a history where no such interleaving exists is causally impossible and is reported.
/// </para>
/// <para>
/// Views: a member is in view v from its <see cref="ViewEvent"/> for v to its next one. A history without view events
/// (one fixed group, as hand-written tests and the fault-free simulator produce) is in one implicit view whose members
/// are all histories. A member is correct when it never crashes, is never downed, never leaves and is never excluded.
/// </para>
/// <para>
/// Causality and lost messages: m1 of a view that ended binds a delivery of m2 only if m1 outlived that view (some
/// member delivered it and then installed a later view), whether m2 is of a later view or of the same one. A message lost with every member that held it (a crashed sender whose
/// only receiver crashed too) can still lie in the causal past of survivors' later messages, through a FIFO or explicit
/// message delivered without its causal past; no protocol can deliver it, so it is exempt. Messages of earlier views
/// than the deliverer's first view reach it through its snapshot and are exempt too.
/// </para>
/// <para>
/// The order and dependencies of a message are taken from its send event (what the application asked for).
/// Works with any set of histories: the simulator's, hand-built ones in tests, or logs of a real cluster.
/// </para>
/// </remarks>
public sealed class InvariantChecker
{
    private readonly MemberHistory[] _histories;
    private readonly HashSet<long> _closedViews = new();
    private readonly Dictionary<MemberId, int> _index = new();

    public InvariantChecker(IEnumerable<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        _histories = histories.ToArray();
        for (var i = 0; i < _histories.Length; i++)
        {
            if (!_index.TryAdd(_histories[i].Member, i)) throw new ArgumentException($"Member {_histories[i].Member} has two histories.", nameof(histories));
        }
    }

    /// <summary>Checks <paramref name="histories"/>. <paramref name="checkValidity"/>: also require that every correct member delivered what it must (only meaningful at the end of a run).</summary>
    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories, bool checkValidity = true) =>
        new InvariantChecker(histories).Check(new CheckerOptions { CheckValidity = checkValidity });

    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories, CheckerOptions options) =>
        new InvariantChecker(histories).Check(options);

    public IReadOnlyList<InvariantViolation> Check(bool checkValidity = true) => Check(new CheckerOptions { CheckValidity = checkValidity });

    /// <summary>How each member's history ends.</summary>
    public enum Fate { Correct, Crashed, Downed, Left, Excluded }

    /// <summary>The fate of <paramref name="history"/>: the first stop or crash in it, or correct.</summary>
    public static Fate FateOf(MemberHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        foreach (var e in history.Events)
        {
            switch (e)
            {
                case CrashEvent:
                    return Fate.Crashed;
                case PauseEvent { Excluded: true }:
                    return Fate.Downed;
                case StopEvent s:
                    return s.Reason switch
                    {
                        StopReason.Left => Fate.Left,
                        StopReason.Downed => Fate.Downed,
                        _ => Fate.Excluded,
                    };
            }
        }
        return Fate.Correct;
    }

    public IReadOnlyList<InvariantViolation> Check(CheckerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var violations = new List<InvariantViolation>();
        var n = _histories.Length;
        var sends = new Dictionary<MessageId, SentMessage>();
        var sendsBy = new List<MessageId>[n];
        var sendsByView = new Dictionary<(int Member, long View), List<MessageId>>();
        var fates = new Fate[n];

        // 1. Index the sends; fates.
        for (var i = 0; i < n; i++)
        {
            fates[i] = FateOf(_histories[i]);
            sendsBy[i] = new List<MessageId>();
            foreach (var e in _histories[i].Events)
            {
                if (e is not SendEvent s) continue;
                sendsBy[i].Add(s.Id);
                if (!sendsByView.TryGetValue((i, s.Id.ViewId), out var inView)) sendsByView[(i, s.Id.ViewId)] = inView = new List<MessageId>();
                inView.Add(s.Id);
                var deps = s.DependsOn.IsDefault ? ImmutableArray<MessageId>.Empty : s.DependsOn;
                if (!sends.TryAdd(s.Id, new SentMessage(i, sendsBy[i].Count, inView.Count, s.Order, deps)))
                    violations.Add(new InvariantViolation(ViolationKind.Creation, _histories[i].Member, [s.Id], "message id sent twice"));
            }
        }

        // 2. Views: one member list per view id.
        var views = CollectViews(violations);

        // 3. The causal past of every send.
        ComputePasts(sends, violations);

        // 4. Per member, in local order: no creation, no duplication, FIFO per view, causal, explicit, views, stops.
        var state = new MemberFacts[n];
        var snapshotViews = new HashSet<long>();
        foreach (var h in _histories)
        {
            foreach (var e in h.Events)
            {
                if (e is SnapshotLoadEvent load) snapshotViews.Add(load.ViewId);
            }
        }
        var survived = SurvivedViewChanges();
        for (var p = 0; p < n; p++)
        {
            state[p] = new MemberFacts();
            CheckMember(p, sends, sendsBy, sendsByView, views, snapshotViews, survived, state[p], violations);
        }

        // 5. Total order agreement between every pair of members.
        CheckTotalOrder(state, fates, options.UniformTotalOrder, violations);

        // 6. Views over members: skipped views, members that come back.
        CheckViewSequences(views, state, violations);

        // 7. Virtual synchrony and snapshots.
        CheckVirtualSynchrony(state, violations);
        CheckSnapshots(state, violations);

        // 8. Partitions.
        CheckPartitions(sends, state, violations);

        // 9. Validity.
        if (options.CheckValidity) CheckValidity(sends, sendsBy, views, fates, state, violations);

        return violations;
    }

    private Dictionary<long, ImmutableArray<MemberId>> CollectViews(List<InvariantViolation> violations)
    {
        var views = new Dictionary<long, ImmutableArray<MemberId>>();
        var owner = new Dictionary<long, MemberId>();
        foreach (var h in _histories)
        {
            foreach (var e in h.Events)
            {
                if (e is not ViewEvent v) continue;
                if (!views.TryGetValue(v.ViewId, out var members))
                {
                    views[v.ViewId] = v.Members;
                    owner[v.ViewId] = h.Member;
                }
                else if (!members.SequenceEqual(v.Members))
                {
                    violations.Add(new InvariantViolation(ViolationKind.View, h.Member, [],
                        $"installed view {v.ViewId} as [{string.Join(", ", v.Members)}]; {owner[v.ViewId]} installed it as [{string.Join(", ", members)}]"));
                }
            }
        }
        return views;
    }

    private void ComputePasts(Dictionary<MessageId, SentMessage> sends, List<InvariantViolation> violations)
    {
        var n = _histories.Length;
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
                var events = _histories[i].Events;
                while (position[i] < events.Count)
                {
                    var e = events[position[i]];
                    if (e is SendEvent send)
                    {
                        sendCount[i]++;
                        var s = sends[send.Id];
                        if (s.Member == i && s.Index == sendCount[i]) s.Past = (int[])knowledge[i].Clone();
                        knowledge[i][i] = sendCount[i];
                    }
                    else if (e is DeliverEvent deliver && sends.TryGetValue(deliver.Id, out var s))
                    {
                        if (s.Past is null) break; // its send is not replayed yet
                        Merge(knowledge[i], s);
                    }
                    else if (e is SnapshotLoadEvent load)
                    {
                        if (FirstUnreplayed(load, sends) is not null) break;
                        foreach (var id in load.State)
                        {
                            if (sends.TryGetValue(id, out var held)) Merge(knowledge[i], held);
                        }
                    }
                    position[i]++;
                    progress = true;
                }
                if (position[i] < events.Count) done = false;
            }
            if (done) return;
            if (progress) continue;

            // Every remaining member waits for a send that comes after its delivery: a causal cycle. Break it at a
            // member that waits for its own send if there is one (the root of the cycle), else at the first member.
            var stuck = -1;
            for (var i = 0; i < n && stuck < 0; i++)
            {
                if (position[i] < _histories[i].Events.Count && sends[WaitingFor(_histories[i].Events[position[i]], sends)].Member == i) stuck = i;
            }
            for (var i = stuck < 0 ? 0 : stuck; i < n; i++)
            {
                var events = _histories[i].Events;
                if (position[i] >= events.Count) continue;
                var e = events[position[i]];
                var id = WaitingFor(e, sends);
                var s = sends[id];
                violations.Add(new InvariantViolation(ViolationKind.Creation, _histories[i].Member, [id],
                    e is SnapshotLoadEvent
                        ? "in a loaded snapshot before it was sent (no interleaving of the histories puts the send first)"
                        : "delivered before it was sent (no interleaving of the histories puts the send first)"));
                if (s.Index > knowledge[i][s.Member]) knowledge[i][s.Member] = s.Index;
                position[i]++;
                break;
            }
        }
    }

    private static MessageId WaitingFor(HistoryEvent e, Dictionary<MessageId, SentMessage> sends) =>
        e is SnapshotLoadEvent load ? FirstUnreplayed(load, sends)!.Value : ((MessageEvent)e).Id;

    private static void Merge(int[] knowledge, SentMessage s)
    {
        var past = s.Past!;
        for (var q = 0; q < knowledge.Length; q++)
        {
            if (past[q] > knowledge[q]) knowledge[q] = past[q];
        }
        if (s.Index > knowledge[s.Member]) knowledge[s.Member] = s.Index;
    }

    private static MessageId? FirstUnreplayed(SnapshotLoadEvent load, Dictionary<MessageId, SentMessage> sends)
    {
        if (load.State.IsDefault) return null;
        foreach (var id in load.State)
        {
            if (sends.TryGetValue(id, out var s) && s.Past is null) return id;
        }
        return null;
    }

    private void CheckMember(
        int p,
        Dictionary<MessageId, SentMessage> sends,
        List<MessageId>[] sendsBy,
        Dictionary<(int Member, long View), List<MessageId>> sendsByView,
        Dictionary<long, ImmutableArray<MemberId>> views,
        HashSet<long> snapshotViews,
        HashSet<MessageId> survived,
        MemberFacts st,
        List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        var self = _histories[p].Member;
        var events = _histories[p].Events;

        // The first view this member was part of: messages of earlier views reach it through the snapshot only.
        long firstView = long.MinValue;
        foreach (var e in events)
        {
            if (e is ViewEvent v0) { firstView = v0.ViewId; break; }
            if (e is SnapshotLoadEvent l0) { firstView = l0.ViewId; break; }
        }
        st.FirstView = firstView;

        var prefix = new int[n]; // prefix[q]: q's first prefix[q] sends are delivered here (or precede this member's first view)
        var deliveredIndex = new bool[n][];
        for (var q = 0; q < n; q++)
        {
            deliveredIndex[q] = new bool[sendsBy[q].Count + 2];
            if (firstView == long.MinValue) continue;
            for (var k = 0; k < sendsBy[q].Count; k++)
            {
                if (sendsBy[q][k].ViewId < firstView) deliveredIndex[q][k + 1] = true;
            }
            while (deliveredIndex[q][prefix[q] + 1]) prefix[q]++;
        }
        var viewPrefix = new Dictionary<(int Sender, long View), ViewProgress>();

        long? current = null;
        var stopped = false;
        var crashed = false;
        var reportedAfterCrash = false;
        HashSet<MessageId>? snapshotState = null;

        for (var index = 0; index < events.Count; index++)
        {
            var e = events[index];
            if (crashed)
            {
                if (!reportedAfterCrash)
                {
                    violations.Add(new InvariantViolation(ViolationKind.AfterStop, self, e is MessageEvent me ? [me.Id] : [], $"event after its crash: {e}"));
                    reportedAfterCrash = true;
                }
                continue;
            }

            switch (e)
            {
                case CrashEvent:
                    crashed = true;
                    continue;
                case StopEvent:
                    stopped = true;
                    continue;
                case PartitionEvent split:
                    st.Partitions[split.Number] = index;
                    continue;
                case ViewEvent v:
                {
                    if (stopped)
                        violations.Add(new InvariantViolation(ViolationKind.AfterStop, self, [], $"installed view {v.ViewId} after it stopped"));
                    if (current is { } before && v.ViewId <= before)
                        violations.Add(new InvariantViolation(ViolationKind.View, self, [], $"installed view {v.ViewId} after view {before}: view ids must strictly increase"));
                    if (!v.Members.Contains(self))
                        violations.Add(new InvariantViolation(ViolationKind.View, self, [], $"installed view {v.ViewId} [{string.Join(", ", v.Members)}], which does not name it"));
                    if (current is { } previous) st.Transitions.Add((previous, v.ViewId));
                    st.Views.Add(v.ViewId);
                    current = v.ViewId;
                    if (snapshotViews.Contains(v.ViewId))
                    {
                        var now = new HashSet<MessageId>(st.Delivered);
                        if (snapshotState is not null) now.UnionWith(snapshotState);
                        st.StateAtInstall[v.ViewId] = now;
                    }
                    continue;
                }
                case SnapshotLoadEvent load:
                    if (stopped)
                        violations.Add(new InvariantViolation(ViolationKind.AfterStop, self, [], $"loaded a snapshot for view {load.ViewId} after it stopped"));
                    snapshotState = load.State.IsDefault ? new HashSet<MessageId>() : new HashSet<MessageId>(load.State);
                    st.Snapshots.Add((load.ViewId, snapshotState));
                    continue;
                case SendEvent s:
                    if (stopped)
                        violations.Add(new InvariantViolation(ViolationKind.AfterStop, self, [s.Id], "sent after it stopped"));
                    CheckInView(self, s.Id, current, views, "sent", violations);
                    continue;
                case DeliverEvent d:
                    break;
                default:
                    continue;
            }

            var del = (DeliverEvent)e;
            if (stopped)
                violations.Add(new InvariantViolation(ViolationKind.AfterStop, self, [del.Id], "delivered after it stopped"));

            if (!sends.TryGetValue(del.Id, out var sent))
            {
                violations.Add(st.Delivered.Add(del.Id)
                    ? new InvariantViolation(ViolationKind.Creation, self, [del.Id], $"delivered from {del.Sender} but never sent")
                    : new InvariantViolation(ViolationKind.Duplication, self, [del.Id], "delivered twice"));
                continue;
            }

            var senderId = _histories[sent.Member].Member;
            if (senderId != del.Sender)
                violations.Add(new InvariantViolation(ViolationKind.Creation, self, [del.Id], $"delivered as sent by {del.Sender} but sent by {senderId}"));
            if (del.Order != sent.Order)
                violations.Add(new InvariantViolation(ViolationKind.Creation, self, [del.Id], $"delivered as {del.Order} but sent as {sent.Order}"));
            if (!st.Delivered.Add(del.Id))
            {
                violations.Add(new InvariantViolation(ViolationKind.Duplication, self, [del.Id], "delivered twice"));
                continue;
            }
            st.DeliveryList.Add(del.Id);
            if (current is not null)
            {
                if (!st.DeliveredByView.TryGetValue(del.Id.ViewId, out var inView)) st.DeliveredByView[del.Id.ViewId] = inView = new List<MessageId>();
                inView.Add(del.Id);
            }
            CheckInView(self, del.Id, current, null, "delivered", violations);

            // FIFO per sender per view.
            var q = sent.Member;
            var key = (q, del.Id.ViewId);
            if (!viewPrefix.TryGetValue(key, out var progress))
                viewPrefix[key] = progress = new ViewProgress(sendsByView[key].Count);
            if (progress.Prefix < sent.ViewIndex - 1)
            {
                var missing = sendsByView[key][progress.Prefix];
                violations.Add(new InvariantViolation(ViolationKind.Fifo, self, [missing, del.Id],
                    $"{del.Id} delivered before {missing}, sent earlier by {senderId}"));
            }
            progress.Mark(sent.ViewIndex);

            if (sent.Order is DeliveryOrder.Causal or DeliveryOrder.Total)
            {
                var past = sent.Past!;
                for (var r = 0; r < n; r++)
                {
                    while (r != q && past[r] > prefix[r])
                    {
                        var missing = sendsBy[r][prefix[r]];
                        if (IsLost(missing, survived))
                        {
                            // Lost with every member that held it before its view ended: no member carried it into a
                            // later view, so no survivor can deliver it; causality through it binds nobody.
                            deliveredIndex[r][prefix[r] + 1] = true;
                            while (deliveredIndex[r][prefix[r] + 1]) prefix[r]++;
                            continue;
                        }
                        violations.Add(new InvariantViolation(ViolationKind.Causal, self, [missing, del.Id],
                            $"{sent.Order} {del.Id} delivered before {missing} (from {_histories[r].Member}), which happened-before it"));
                        break;
                    }
                }
            }
            else if (sent.Order == DeliveryOrder.Explicit)
            {
                foreach (var dep in sent.DependsOn)
                {
                    if (dep.ViewId < firstView) continue; // reached this member through its snapshot
                    if (!st.Delivered.Contains(dep) && !IsLost(dep, survived))
                        violations.Add(new InvariantViolation(ViolationKind.Explicit, self, [dep, del.Id], $"{del.Id} delivered before its dependency {dep}"));
                }
            }

            deliveredIndex[q][sent.Index] = true;
            while (deliveredIndex[q][prefix[q] + 1]) prefix[q]++;

            if (sent.Order == DeliveryOrder.Total) st.TotalSequence.Add(del.Id);
        }
    }

    /// <summary>A message of a view that some member closed (installed a later view) that no member carried across: gone for good.</summary>
    private bool IsLost(MessageId id, HashSet<MessageId> survived) => _closedViews.Contains(id.ViewId) && !survived.Contains(id);

    /// <summary>The messages some member delivered before installing a later view: those that outlived their view.</summary>
    private HashSet<MessageId> SurvivedViewChanges()
    {
        _closedViews.Clear();
        foreach (var h in _histories)
        {
            long? previous = null;
            foreach (var e in h.Events)
            {
                if (e is not ViewEvent v) continue;
                if (previous is { } closed) _closedViews.Add(closed);
                previous = v.ViewId;
            }
        }
        var survived = new HashSet<MessageId>();
        var pending = new List<MessageId>();
        foreach (var h in _histories)
        {
            pending.Clear();
            foreach (var e in h.Events)
            {
                if (e is DeliverEvent d) pending.Add(d.Id);
                else if (e is ViewEvent)
                {
                    survived.UnionWith(pending);
                    pending.Clear();
                }
            }
        }
        return survived;
    }

    /// <summary>A message of view v is sent and delivered only while in view v; its sender rank is the sender's rank in v.</summary>
    private static void CheckInView(MemberId self, MessageId id, long? current, Dictionary<long, ImmutableArray<MemberId>>? views, string what, List<InvariantViolation> violations)
    {
        if (current is null) return;
        if (id.ViewId != current.Value)
            violations.Add(new InvariantViolation(ViolationKind.View, self, [id], $"{what} a message of view {id.ViewId} while in view {current.Value}"));
        else if (views is not null && views.TryGetValue(id.ViewId, out var members))
        {
            var rank = members.IndexOf(self);
            if (rank != id.Sender)
                violations.Add(new InvariantViolation(ViolationKind.View, self, [id], $"{what} {id} with sender rank {id.Sender}; its rank in view {id.ViewId} is {rank}"));
        }
    }

    private void CheckTotalOrder(MemberFacts[] state, Fate[] fates, bool uniform, List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        var positions = new Dictionary<MessageId, int>[n];
        for (var p = 0; p < n; p++)
        {
            var sequence = state[p].TotalSequence;
            positions[p] = new Dictionary<MessageId, int>(sequence.Count);
            for (var k = 0; k < sequence.Count; k++) positions[p][sequence[k]] = k;
        }

        for (var p = 0; p < n; p++)
        {
            for (var r = p + 1; r < n; r++)
            {
                var bothCorrect = fates[p] == Fate.Correct && fates[r] == Fate.Correct;
                if (!bothCorrect && !uniform) continue;
                // Walk p's order; r's positions of the common messages must increase.
                var maxPosition = -1;
                MessageId maxId = default;
                foreach (var id in state[p].TotalSequence)
                {
                    if (!positions[r].TryGetValue(id, out var at)) continue;
                    if (at < maxPosition)
                    {
                        var detail = $"{_histories[p].Member} delivered {maxId} before {id}; {_histories[r].Member} delivered {id} before {maxId}";
                        violations.Add(bothCorrect
                            ? new InvariantViolation(ViolationKind.Total, _histories[r].Member, [maxId, id], detail)
                            : new InvariantViolation(ViolationKind.UniformTotal, _histories[r].Member, [maxId, id],
                                $"{detail} ({_histories[p].Member} {fates[p]}, {_histories[r].Member} {fates[r]})"));
                        break;
                    }
                    maxPosition = at;
                    maxId = id;
                }
            }
        }
    }

    private void CheckViewSequences(Dictionary<long, ImmutableArray<MemberId>> views, MemberFacts[] state, List<InvariantViolation> violations)
    {
        if (views.Count == 0) return;
        var ordered = views.Keys.Order().ToArray();

        // A member that installs v and then w must not skip a view between them that names it.
        for (var p = 0; p < _histories.Length; p++)
        {
            var self = _histories[p].Member;
            foreach (var (from, to) in state[p].Transitions)
            {
                foreach (var u in ordered)
                {
                    if (u <= from || u >= to) continue;
                    if (views[u].Contains(self))
                        violations.Add(new InvariantViolation(ViolationKind.View, self, [], $"passed from view {from} to view {to}, skipping view {u}, which names it"));
                }
            }
        }

        // A member left out of a view never comes back in a later one (a restarted process is a new incarnation).
        var seen = new Dictionary<MemberId, (bool Out, long OutAt)>();
        long? previous = null;
        foreach (var v in ordered)
        {
            var members = views[v];
            foreach (var m in members)
            {
                if (seen.TryGetValue(m, out var s) && s.Out)
                    violations.Add(new InvariantViolation(ViolationKind.View, m, [], $"is in view {v} again after view {s.OutAt} left it out"));
                seen[m] = (false, 0);
            }
            if (previous is not null)
            {
                foreach (var m in seen.Keys.ToArray())
                {
                    if (!seen[m].Out && !members.Contains(m)) seen[m] = (true, v);
                }
            }
            previous = v;
        }
    }

    private void CheckVirtualSynchrony(MemberFacts[] state, List<InvariantViolation> violations)
    {
        var groups = new SortedDictionary<(long From, long To), List<int>>();
        for (var p = 0; p < _histories.Length; p++)
        {
            foreach (var t in state[p].Transitions)
            {
                if (!groups.TryGetValue(t, out var list)) groups[t] = list = new List<int>();
                list.Add(p);
            }
        }

        foreach (var ((from, to), members) in groups)
        {
            if (members.Count < 2) continue;
            // The union in first-seen order, with who delivered each.
            var union = new List<MessageId>();
            var by = new Dictionary<MessageId, int>();
            var sets = new Dictionary<int, HashSet<MessageId>>();
            foreach (var p in members)
            {
                var list = state[p].DeliveredByView.TryGetValue(from, out var l) ? l : new List<MessageId>();
                sets[p] = new HashSet<MessageId>(list);
                foreach (var id in list)
                {
                    if (by.TryAdd(id, p)) union.Add(id);
                }
            }
            foreach (var p in members)
            {
                foreach (var id in union)
                {
                    if (!sets[p].Contains(id))
                        violations.Add(new InvariantViolation(ViolationKind.VirtualSynchrony, _histories[p].Member, [id],
                            $"passed from view {from} to view {to} without delivering {id}, which {_histories[by[id]].Member} delivered in view {from} before passing to view {to}"));
                }
            }
        }
    }

    private void CheckSnapshots(MemberFacts[] state, List<InvariantViolation> violations)
    {
        for (var j = 0; j < _histories.Length; j++)
        {
            foreach (var (viewId, loaded) in state[j].Snapshots)
            {
                for (var q = 0; q < _histories.Length; q++)
                {
                    if (q == j || !state[q].Transitions.Any(t => t.To == viewId)) continue;
                    if (!state[q].StateAtInstall.TryGetValue(viewId, out var at)) continue;
                    var missing = at.Where(id => !loaded.Contains(id)).Order(IdOrder.Instance).ToArray();
                    var extra = loaded.Where(id => !at.Contains(id)).Order(IdOrder.Instance).ToArray();
                    if (missing.Length == 0 && extra.Length == 0) continue;
                    violations.Add(new InvariantViolation(ViolationKind.Snapshot, _histories[j].Member, missing.Concat(extra).Take(6).ToImmutableArray(),
                        $"snapshot for view {viewId} ({loaded.Count} messages) differs from the state of {_histories[q].Member} at its install of view {viewId} ({at.Count} messages): " +
                        $"{missing.Length} missing [{string.Join(", ", missing.Take(3))}], {extra.Length} extra [{string.Join(", ", extra.Take(3))}]"));
                }
            }
        }
    }

    private void CheckPartitions(Dictionary<MessageId, SentMessage> sends, MemberFacts[] state, List<InvariantViolation> violations)
    {
        var minorities = new SortedDictionary<int, HashSet<MemberId>>();
        foreach (var h in _histories)
        {
            foreach (var e in h.Events)
            {
                if (e is PartitionEvent split && !minorities.ContainsKey(split.Number)) minorities[split.Number] = new HashSet<MemberId>(split.Minority);
            }
        }
        if (minorities.Count == 0) return;

        foreach (var (number, minority) in minorities)
        {
            // Messages sent after the split, by the sender's local order.
            var after = new HashSet<MessageId>();
            for (var q = 0; q < _histories.Length; q++)
            {
                if (!state[q].Partitions.TryGetValue(number, out var at)) continue;
                var events = _histories[q].Events;
                for (var k = at + 1; k < events.Count; k++)
                {
                    if (events[k] is SendEvent s) after.Add(s.Id);
                }
            }
            if (after.Count == 0) continue;

            var minorityDeliverer = new Dictionary<MessageId, int>();
            var majorityDeliverer = new Dictionary<MessageId, int>();
            for (var p = 0; p < _histories.Length; p++)
            {
                var side = minority.Contains(_histories[p].Member) ? minorityDeliverer : majorityDeliverer;
                foreach (var id in state[p].DeliveryList)
                {
                    if (after.Contains(id)) side.TryAdd(id, p);
                }
            }
            foreach (var id in after.Order(IdOrder.Instance))
            {
                if (!minorityDeliverer.TryGetValue(id, out var a) || !majorityDeliverer.TryGetValue(id, out var b)) continue;
                var senderOnMinority = sends.TryGetValue(id, out var s) && minority.Contains(_histories[s.Member].Member);
                var reportAt = senderOnMinority ? b : a;
                violations.Add(new InvariantViolation(ViolationKind.Partition, _histories[reportAt].Member, [id],
                    $"sent after split #{number} and delivered on both sides ({_histories[a].Member} on the minority, {_histories[b].Member} on the majority)"));
            }
        }
    }

    private void CheckValidity(
        Dictionary<MessageId, SentMessage> sends,
        List<MessageId>[] sendsBy,
        Dictionary<long, ImmutableArray<MemberId>> views,
        Fate[] fates,
        MemberFacts[] state,
        List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        bool InView(int p, long viewId) => !views.TryGetValue(viewId, out var members) || members.Contains(_histories[p].Member);

        // Every correct member of view v delivers every view-v message of a correct sender (its own included).
        for (var p = 0; p < n; p++)
        {
            if (fates[p] != Fate.Correct) continue;
            for (var q = 0; q < n; q++)
            {
                if (fates[q] != Fate.Correct) continue;
                foreach (var id in sendsBy[q])
                {
                    if (sends[id].Member == q && InView(p, id.ViewId) && !state[p].Delivered.Contains(id))
                        violations.Add(new InvariantViolation(ViolationKind.Validity, _histories[p].Member, [id], $"never delivered (sent by {_histories[q].Member})"));
                }
            }
        }

        // Agreement: a view-v message (of a sender that did not stay correct) delivered by a correct member is delivered by every correct member of v.
        var deliveredByCorrect = new Dictionary<MessageId, int>();
        var ordered = new List<MessageId>();
        for (var p = 0; p < n; p++)
        {
            if (fates[p] != Fate.Correct) continue;
            foreach (var id in state[p].DeliveryList)
            {
                if (!sends.TryGetValue(id, out var s) || fates[s.Member] == Fate.Correct) continue;
                if (deliveredByCorrect.TryAdd(id, p)) ordered.Add(id);
            }
        }
        foreach (var id in ordered)
        {
            for (var p = 0; p < n; p++)
            {
                if (fates[p] != Fate.Correct || !InView(p, id.ViewId) || state[p].Delivered.Contains(id)) continue;
                if (id.ViewId < state[p].FirstView) continue;
                violations.Add(new InvariantViolation(ViolationKind.Validity, _histories[p].Member, [id],
                    $"never delivered, though {_histories[deliveredByCorrect[id]].Member} (correct) delivered it (sent by {_histories[sends[id].Member].Member}, {fates[sends[id].Member]})"));
            }
        }
    }

    private sealed class SentMessage(int member, int index, int viewIndex, DeliveryOrder order, ImmutableArray<MessageId> dependsOn)
    {
        /// <summary>Index of the sending member's history.</summary>
        public int Member { get; } = member;
        /// <summary>1-based position among the sender's sends.</summary>
        public int Index { get; } = index;
        /// <summary>1-based position among the sender's sends in the message's view.</summary>
        public int ViewIndex { get; } = viewIndex;
        public DeliveryOrder Order { get; } = order;
        public ImmutableArray<MessageId> DependsOn { get; } = dependsOn;
        /// <summary>Entry q: how many of q's sends happened-before this one. Null until replayed.</summary>
        public int[]? Past { get; set; }
    }

    private sealed class IdOrder : IComparer<MessageId>
    {
        public static readonly IdOrder Instance = new();

        public int Compare(MessageId x, MessageId y)
        {
            var c = x.ViewId.CompareTo(y.ViewId);
            if (c != 0) return c;
            c = x.Sender.CompareTo(y.Sender);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }

    private sealed class ViewProgress(int sends)
    {
        private readonly bool[] _delivered = new bool[sends + 2];
        public int Prefix { get; private set; }

        public void Mark(int viewIndex)
        {
            _delivered[viewIndex] = true;
            while (_delivered[Prefix + 1]) Prefix++;
        }
    }

    /// <summary>What the per-member pass learned about one member.</summary>
    private sealed class MemberFacts
    {
        public readonly HashSet<MessageId> Delivered = new();
        public readonly List<MessageId> DeliveryList = new();
        public readonly List<MessageId> TotalSequence = new();
        public readonly Dictionary<long, List<MessageId>> DeliveredByView = new();
        public readonly List<long> Views = new();
        public readonly List<(long From, long To)> Transitions = new();
        public readonly Dictionary<long, HashSet<MessageId>> StateAtInstall = new();
        public readonly List<(long ViewId, HashSet<MessageId> State)> Snapshots = new();
        /// <summary>Partition number → index of its event in the history.</summary>
        public readonly Dictionary<int, int> Partitions = new();
        public long FirstView = long.MinValue;
    }
}
