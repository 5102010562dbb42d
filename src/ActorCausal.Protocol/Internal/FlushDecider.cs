using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// The flush's decision as a pure function of the participants' reports: which messages of the closing view every
/// survivor delivers (the cut) and in which order the open total-order ones go. No member state; table tests in
/// FlushDeciderTests.
/// </summary>
internal static class FlushDecider
{
    /// <summary>
    /// The decision rule. Per sender, the cut starts at the most any survivor delivered (everything delivered somewhere
    /// stays) and extends over the messages some survivor holds without a gap; then it shrinks until every causal or
    /// total message inside has its causal past inside, and every explicit one its dependencies. Total-order messages
    /// keep a final priority that any survivor knows; the others get priorities above all of those, in causal order.
    /// </summary>
    /// <remarks>
    /// <c>viewMembers</c>: the closing view's members by rank, to tell which senders stay (are in <c>newMembers</c>); null:
    /// every reporter stays. <c>rules</c>: the protocol's decision points (<see cref="ProtocolRules.FlushKeeps"/>); null:
    /// the correct ones.
    /// </remarks>
    public static FlushDecision Decide(long viewId, int size, IReadOnlyDictionary<int, FlushReport> reports, ImmutableArray<MemberId> newMembers, long maxAgreed, MemberId self,
        IReadOnlyList<MemberId>? viewMembers = null, ProtocolRules? rules = null)
    {
        rules ??= ProtocolRules.Correct;
        var all = reports.Values.ToList();
        var maxDelivered = new long[size];
        var minDelivered = Enumerable.Repeat(long.MaxValue, size).ToArray();
        var held = new Dictionary<MessageId, DataMessage>();
        var finals = new Dictionary<MessageId, Priority>();
        foreach (var report in all)
        {
            for (var k = 0; k < size; k++)
            {
                maxDelivered[k] = Math.Max(maxDelivered[k], report.Delivered[k]);
                minDelivered[k] = Math.Min(minDelivered[k], report.Delivered[k]);
            }
            foreach (var m in report.Messages) held.TryAdd(m.Id, m);
            foreach (var f in report.Finals) finals.TryAdd(f.Message, f.Priority);
        }

        var reported = new bool[size];
        foreach (var rank in reports.Keys) reported[rank] = true;
        // A merge closes the view with no next members: every participant goes on (as a new incarnation), so stays.
        var stays = new bool[size];
        for (var k = 0; k < size; k++)
            stays[k] = reported[k] && (viewMembers is null || newMembers.IsDefaultOrEmpty || newMembers.Contains(viewMembers[k]));
        var cut = (long[])maxDelivered.Clone();
        for (var s = 0; s < size; s++)
        {
            while (held.ContainsKey(new MessageId(viewId, s, cut[s] + 1))) cut[s]++;
        }
        for (var changed = true; changed;)
        {
            changed = false;
            for (var s = 0; s < size; s++)
            {
                for (var seq = maxDelivered[s] + 1; seq <= cut[s]; seq++)
                {
                    if (rules.FlushKeeps(held[new MessageId(viewId, s, seq)], cut, reported, stays)) continue;
                    cut[s] = seq - 1;
                    changed = true;
                    break;
                }
            }
        }

        var messages = ImmutableArray.CreateBuilder<DataMessage>();
        var totals = new List<DataMessage>();
        for (var s = 0; s < size; s++)
        {
            for (var seq = minDelivered[s] + 1; seq <= cut[s]; seq++)
            {
                var m = held[new MessageId(viewId, s, seq)];
                messages.Add(m);
                if (m.Order == DeliveryOrder.Total) totals.Add(m);
            }
        }
        var order = OrderTotals(totals, finals, maxAgreed, viewId, self);
        return new FlushDecision(viewId, viewId + 1, newMembers, [.. cut], messages.ToImmutable(), order) { Reporters = [.. reports.Keys.Order()] };
    }

    /// <summary>
    /// One delivery order for the open total-order messages: a topological order of "must come first" (same sender
    /// earlier, in the causal past, or a smaller known final of another sender), taking known finals first in their
    /// order, then undecided messages in causal order. Priorities are renumbered above every known one in that order.
    /// </summary>
    /// <remarks>
    /// Which message is taken next depends only on the transitive closure of "must come first" (a message is ready once
    /// everything before it is taken, and ready keys are unique), so the graph carries a sparse set of edges with that
    /// same closure instead of every pair (PrecedenceGraph): O(n · senders · log n), not O(n²). <paramref name="totals"/>
    /// holds distinct messages of one view.
    /// </remarks>
    public static ImmutableArray<KnownFinal> OrderTotals(List<DataMessage> totals, Dictionary<MessageId, Priority> finals, long maxAgreed, long viewId, MemberId self)
    {
        var n = totals.Count;
        var graph = PrecedenceGraph.Build(totals, finals);
        var pending = graph.InDegrees();
        var ready = new PriorityQueue<int, (int, long, long, int, long)>();
        var passThrough = new Stack<int>();
        void Offer(int i)
        {
            var m = totals[i];
            var key = finals.TryGetValue(m.Id, out var f) ? (0, f.Number, (long)f.Rank, m.Sender, m.Sequence) : (1, ClockSum(m), 0L, m.Sender, m.Sequence);
            ready.Enqueue(i, key);
        }
        // A message becomes ready, or a connecting node (not a message) is passed through at once.
        void Released(int node)
        {
            if (node < n) Offer(node);
            else passThrough.Push(node);
            while (passThrough.TryPop(out var v))
            {
                foreach (var w in graph.Successors(v))
                {
                    if (--pending[w] != 0) continue;
                    if (w < n) Offer(w);
                    else passThrough.Push(w);
                }
            }
        }
        // The sources first, all of them: releasing one brings others to zero, and those are released there.
        var sources = new List<int>();
        for (var node = 0; node < graph.Nodes; node++)
        {
            if (pending[node] == 0) sources.Add(node);
        }
        foreach (var node in sources) Released(node);
        var top = finals.Count == 0 ? maxAgreed : Math.Max(maxAgreed, finals.Values.Max(p => p.Number));
        var order = ImmutableArray.CreateBuilder<KnownFinal>(n);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(new KnownFinal(totals[i].Id, new Priority(++top, 0)));
            foreach (var j in graph.Successors(i))
            {
                if (--pending[j] == 0) Released(j);
            }
        }
        if (order.Count != n)
            throw new InvalidOperationException($"{self}: the open total-order messages of view {viewId} have contradictory orderings; no flush decision is possible.");
        return order.MoveToImmutable();
    }

    /// <summary>
    /// Whether <paramref name="m"/>'s past lies inside the cut. For a message of a member that stays (reported and is in
    /// the next view), messages of a member that did not report beyond the cut are lost for good: no survivor will ever
    /// deliver them, so they constrain nothing (they are treated as never sent); without this, a surviving member's own
    /// causal message whose past holds such a message (through a FIFO or explicit message delivered without its past)
    /// could never be delivered. A message of a member that leaves the view (removed, or leaving) gets no such exemption:
    /// with part of its past lost it is an orphan, and it is cut (nobody needs it: its sender does not go on). A reporter
    /// holds all of its own messages, so its part of the past is always checked.
    /// </summary>
    public static bool InsideCut(DataMessage m, long[] cut, bool[] reported, bool[] stays) =>
        PastMet(m, cut.Length, (k, seq) => seq <= cut[k] || (stays[m.Sender] && !reported[k]));

    /// <summary>
    /// The delivery rule a flush applies, in one place for the decision (InsideCut) and for its check at each member
    /// (GroupMember.CheckDeliverable): a causal or total-order message needs its causal past (its clock's entries of the
    /// other <paramref name="size"/> - 1 ranks), an explicit one its dependencies, a FIFO one nothing beyond its own
    /// sender's earlier messages. <paramref name="met"/> says whether message (rank, sequence) counts as there.
    /// </summary>
    public static bool PastMet(DataMessage m, int size, Func<int, long, bool> met)
    {
        switch (m.Order)
        {
            case DeliveryOrder.Causal or DeliveryOrder.Total:
                for (var k = 0; k < size; k++)
                {
                    if (k != m.Sender && !met(k, m.Clock[k])) return false;
                }
                return true;
            case DeliveryOrder.Explicit:
                foreach (var dep in m.DependsOn)
                {
                    if (!met(dep.Sender, dep.Sequence)) return false;
                }
                return true;
            default:
                return true;
        }
    }

    private static long ClockSum(DataMessage m)
    {
        long sum = 0;
        foreach (var e in m.Clock.AsSpan()) sum += e;
        return sum;
    }
}
