using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Support;

/// <summary>
/// The flush's total-order rule as first written (FlushDecider.OrderTotals before it was made O(n·senders·log n)): every
/// "must come first" pair as an edge, O(n²). Kept only as the reference that the fast one must match exactly
/// (FlushOrderEquivalenceTests); the benchmarks link this file to measure both side by side.
/// </summary>
internal static class ReferenceTotalOrder
{
    public static ImmutableArray<KnownFinal> OrderTotals(List<DataMessage> totals, Dictionary<MessageId, Priority> finals, long maxAgreed, long viewId, MemberId self)
    {
        var n = totals.Count;
        var successors = new List<int>[n];
        var pending = new int[n];
        for (var i = 0; i < n; i++) successors[i] = new List<int>();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (i == j || !MustPrecede(totals[i], totals[j], finals)) continue;
                successors[i].Add(j);
                pending[j]++;
            }
        }
        var ready = new PriorityQueue<int, (int, long, long, int, long)>();
        void Offer(int i)
        {
            var m = totals[i];
            var key = finals.TryGetValue(m.Id, out var f) ? (0, f.Number, (long)f.Rank, m.Sender, m.Sequence) : (1, ClockSum(m), 0L, m.Sender, m.Sequence);
            ready.Enqueue(i, key);
        }
        for (var i = 0; i < n; i++)
        {
            if (pending[i] == 0) Offer(i);
        }
        var top = finals.Count == 0 ? maxAgreed : Math.Max(maxAgreed, finals.Values.Max(p => p.Number));
        var order = ImmutableArray.CreateBuilder<KnownFinal>(n);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(new KnownFinal(totals[i].Id, new Priority(++top, 0)));
            foreach (var j in successors[i])
            {
                if (--pending[j] == 0) Offer(j);
            }
        }
        if (order.Count != n)
            throw new InvalidOperationException($"{self}: the open total-order messages of view {viewId} have contradictory orderings; no flush decision is possible.");
        return order.MoveToImmutable();
    }

    public static bool MustPrecede(DataMessage a, DataMessage b, Dictionary<MessageId, Priority> finals)
    {
        if (a.Sender == b.Sender) return a.Sequence < b.Sequence;
        if (b.Clock[a.Sender] >= a.Sequence) return true;
        return finals.TryGetValue(a.Id, out var fa) && finals.TryGetValue(b.Id, out var fb) && fa < fb;
    }

    private static long ClockSum(DataMessage m)
    {
        long sum = 0;
        foreach (var e in m.Clock.AsSpan()) sum += e;
        return sum;
    }
}
