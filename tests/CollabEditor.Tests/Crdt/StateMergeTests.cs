using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Tests.Histories;
using CollabEditor.Traces;

namespace CollabEditor.Tests.Crdt;

/// <summary>
/// Two sides of a split each hold a different causal cut of a generated history; merging one side's state into the
/// other gives what integrating the union of their transactions gives, merging it twice changes nothing more, and the
/// merged replica goes on integrating the rest of the history to the reference's text.
/// </summary>
public class StateMergeTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 150).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Merging_the_other_sides_state_equals_integrating_both_sides_transactions(int seed)
    {
        var h = HistoryGenerator.Generate(seed);
        var updates = new List<byte[]>();
        LocalReplay.PerAgent(h.Trace, new Causality(h.Trace), eager: false, updates);
        var rnd = new Random(seed);
        var n = h.Trace.Txns.Length;
        var sideA = Cut(h, rnd);
        var sideB = Cut(h, rnd);
        var union = new HashSet<int>(sideA);
        union.UnionWith(sideB);
        var a = Integrate(updates, sideA);
        var b = Integrate(updates, sideB);
        var expected = Integrate(updates, union).GetText();

        var bState = b.EncodeState();
        a.MergeState(bState);
        Assert.True(expected == a.GetText(), $"{h}: A merged with B differs from the union of their transactions");
        Assert.Equal(0, a.MergeState(bState)); // the library may hand a side's state twice
        Assert.Equal(expected, a.GetText());
        b.MergeState(Integrate(updates, sideA).EncodeState());
        Assert.True(expected == b.GetText(), $"{h}: B merged with A differs from the union");

        // after the merge, the rest of the history arrives as updates
        for (var i = 0; i < n; i++)
            if (!union.Contains(i)) a.ApplyUpdate(updates[i]);
        Assert.True(h.Trace.EndContent == a.GetText(), $"{h}: the merged replica does not reach the reference after the rest");
    }

    /// <summary>A random causal cut: the transactions in the past of a few random ones, with them.</summary>
    private static HashSet<int> Cut(GeneratedHistory h, Random rnd)
    {
        var cut = new HashSet<int>();
        for (var k = 0; k < 2; k++)
        {
            var t = rnd.Next(h.Trace.Txns.Length);
            cut.Add(t);
            cut.UnionWith(h.Past[t]);
        }
        return cut;
    }

    private static TextDocument Integrate(List<byte[]> updates, HashSet<int> txns)
    {
        var doc = new TextDocument();
        for (var i = 0; i < updates.Count; i++)
            if (txns.Contains(i)) doc.ApplyUpdate(updates[i]);
        return doc;
    }
}
