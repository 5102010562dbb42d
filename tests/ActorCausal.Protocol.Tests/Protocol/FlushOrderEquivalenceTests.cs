using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// Every member computes the flush's total order on its own, so the fast FlushDecider.OrderTotals must give exactly the
/// order of the first O(n²) version (ReferenceTotalOrder) on every input: the same ids with the same priorities, or the
/// same refusal when the orderings contradict each other.
/// </summary>
public class FlushOrderEquivalenceTests
{
    private const long View = 7;
    private static readonly MemberId Self = new("a", 1);

    /// <summary>One flush's open total-order messages, their known finals and the highest agreed priority.</summary>
    public sealed record Input(List<DataMessage> Totals, Dictionary<MessageId, Priority> Finals, long MaxAgreed)
    {
        public override string ToString() =>
            $"maxAgreed={MaxAgreed} totals=[{string.Join(" ", Totals.Select(m => $"{m.Sender}.{m.Sequence}:{string.Join(",", m.Clock.AsSpan().ToArray())}"))}] " +
            $"finals=[{string.Join(" ", Finals.Select(f => $"{f.Key.Sender}.{f.Key.Sequence}@{f.Value}"))}]";
    }

    /// <summary>
    /// Up to six senders with gaps in their sequences (other orders in between), listed in a random order. Clocks are either
    /// those of a real run (each sender's knowledge grows) or arbitrary (cycles); finals either grow with the run or are
    /// arbitrary over a small range (ties, contradictions), over a random subset.
    /// </summary>
    private static readonly Gen<Input> Inputs =
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, 40], Gen.Bool, Gen.Int[0, 3], Gen.Double[0, 1], Gen.Long[0, 50], Gen.Int)
            .Select((members, count, consistentClocks, finalsKind, finalsShare, maxAgreed, seed) =>
                Generate(members, count, consistentClocks, finalsKind, finalsShare, maxAgreed, new Random(seed)));

    private static Input Generate(int members, int count, bool consistentClocks, int finalsKind, double finalsShare, long maxAgreed, Random random)
    {
        var knowledge = new long[members][];
        for (var s = 0; s < members; s++) knowledge[s] = new long[members];
        var sent = new List<(int Sender, long Sequence)>();
        var totals = new List<DataMessage>();
        for (var step = 0; step < count; step++)
        {
            var s = random.Next(members);
            var mine = knowledge[s];
            mine[s] += 1 + (random.Next(4) == 0 ? random.Next(1, 3) : 0);
            // Learn some of what was sent so far (knowledge only grows in a real run).
            if (sent.Count > 0 && random.Next(2) == 0)
            {
                var (k, seq) = sent[random.Next(sent.Count)];
                if (k != s) mine[k] = Math.Max(mine[k], seq);
            }
            sent.Add((s, mine[s]));
            var clock = (long[])mine.Clone();
            if (!consistentClocks)
            {
                for (var k = 0; k < members; k++)
                {
                    if (k != s) clock[k] = random.Next(0, 2 + count / Math.Max(1, members));
                }
            }
            totals.Add(new DataMessage(View, s, mine[s], DeliveryOrder.Total, VectorClock.Of(clock), VectorClock.Zero(members), default, [], step));
        }
        var finals = new Dictionary<MessageId, Priority>();
        for (var i = 0; i < totals.Count; i++)
        {
            if (finalsKind == 0 || random.NextDouble() >= finalsShare) continue;
            var m = totals[i];
            finals[m.Id] = finalsKind switch
            {
                1 => new Priority(2 * i + random.Next(2), random.Next(members)),   // grows with the run
                2 => new Priority(random.Next(4), random.Next(2)),                 // arbitrary: ties and contradictions
                _ => new Priority(i % 3, 0),                                       // many equal priorities
            };
        }
        // A final the flush knows for a message that is not open (delivered or beyond the cut) still raises the numbering.
        if (random.Next(4) == 0) finals[new MessageId(View, 0, 10_000)] = new Priority(random.Next(100), 0);
        Shuffle(totals, random);
        return new Input(totals, finals, maxAgreed);
    }

    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static string Outcome(Func<IEnumerable<KnownFinal>> order)
    {
        try
        {
            return string.Join(" ", order().Select(f => $"{f.Message}@{f.Priority}"));
        }
        catch (InvalidOperationException e)
        {
            return "refused: " + e.Message;
        }
    }

    [Fact]
    public void The_fast_order_equals_the_reference_on_random_flushes()
    {
        var refusals = 0;
        var orders = 0;
        SeededSample.Check(Inputs, input =>
        {
            var expected = Outcome(() => ReferenceTotalOrder.OrderTotals(input.Totals, input.Finals, input.MaxAgreed, View, Self));
            var actual = Outcome(() => FlushDecider.OrderTotals(input.Totals, input.Finals, input.MaxAgreed, View, Self));
            if (expected.StartsWith("refused", StringComparison.Ordinal)) Interlocked.Increment(ref refusals);
            else Interlocked.Increment(ref orders);
            return expected == actual;
        }, firstSeed: 1, iterations: 20_000);
        // Both kinds of outcome were compared, not only one.
        Assert.True(refusals > 100, $"only {refusals} contradictory inputs");
        Assert.True(orders > 1_000, $"only {orders} orderable inputs");
    }

    [Theory]
    [InlineData(7, 0.3)]
    [InlineData(8, 0.0)]
    [InlineData(9, 0.9)]
    [InlineData(10, 0.5)]
    public void The_fast_order_equals_the_reference_on_a_large_flush(int seed, double finalsShare)
    {
        var input = Generate(members: 5, count: 3_000, consistentClocks: true, finalsKind: 1, finalsShare, maxAgreed: 12, new Random(seed));
        var expected = ReferenceTotalOrder.OrderTotals(input.Totals, input.Finals, input.MaxAgreed, View, Self);
        var actual = FlushDecider.OrderTotals(input.Totals, input.Finals, input.MaxAgreed, View, Self);
        Assert.Equal(3_000, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        var first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        Assert.True(first < 0, $"first difference at {first}: expected {string.Join(" ", expected.Skip(first).Take(5))}, actual {string.Join(" ", actual.Skip(first).Take(5))}");
    }

    [Fact]
    public void A_message_listed_twice_is_refused()
    {
        var m = new DataMessage(View, 0, 1, DeliveryOrder.Total, VectorClock.Of(1, 0), VectorClock.Zero(2), default, [], "x");
        Assert.Throws<ArgumentException>(() => FlushDecider.OrderTotals([m, m], [], 0, View, Self));
    }
}
