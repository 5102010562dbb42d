using CollabEditor.Crdt;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Crdt;

/// <summary>Concurrent inserts at one place never interleave: each author's text ends up contiguous, whether typed
/// forwards, backwards, or pasted, under any causal delivery order.</summary>
public class InterleavingTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 30).Select(s => new object[] { s });

    // disjoint alphabets, so that a replica finds its own text by search
    private static readonly string[] Words = ["alpha", "BRAVO", "0123456", "xyzzy"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Forward_typing_at_one_place_does_not_interleave(int seed) => Check(seed, backwards: false);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Backward_typing_at_one_place_does_not_interleave(int seed) => Check(seed, backwards: true);

    private static void Check(int seed, bool backwards)
    {
        var random = new Random(seed);
        var replicas = 3 + seed % 2;
        var net = new Network(replicas, seed);
        net.Edit(0, new Patch(0, 0, "[]"));
        net.DeliverAll();
        var typed = new int[replicas];
        // every replica types its word one character per transaction at the place between the brackets
        while (typed.Where((t, r) => t < Words[r].Length).Any())
        {
            var r = random.Next(replicas);
            var word = Words[r];
            if (typed[r] == word.Length) continue;
            // the caret sits where this replica's own text is now (remote text may have arrived around it)
            var mine = net.Docs[r].GetText();
            if (backwards)
            {
                var suffix = word[(word.Length - typed[r])..];
                var at = typed[r] == 0 ? 1 : mine.IndexOf(suffix, StringComparison.Ordinal);
                Assert.True(at >= 0, $"replica {r} lost its own text '{suffix}' in '{mine}'");
                net.Edit(r, new Patch(at, 0, word[word.Length - 1 - typed[r]].ToString()));
            }
            else
            {
                var prefix = word[..typed[r]];
                var at = typed[r] == 0 ? 1 : mine.IndexOf(prefix, StringComparison.Ordinal) + typed[r];
                Assert.True(at >= typed[r], $"replica {r} lost its own text '{prefix}' in '{mine}'");
                net.Edit(r, new Patch(at, 0, word[typed[r]].ToString()));
            }
            typed[r]++;
            // Forwards, deliver now and then: typing after one's own text stays contiguous even when others' text
            // arrives meanwhile. Backwards, a replica that received others' text typed at the same place and then
            // inserts before its own may legitimately see that text end up inside its own; so all of it stays
            // concurrent there: the concurrent runs must then not interleave at all.
            if (!backwards && random.Next(6) == 0) net.DeliverSome(1);
        }
        net.DeliverAll();
        net.AssertConverged();
        var text = net.Docs[0].GetText();
        Assert.Equal(2 + Words.Take(replicas).Sum(w => w.Length), text.Length);
        for (var r = 0; r < replicas; r++) Assert.Contains(Words[r], text);
    }

    [Fact]
    public void Concurrent_pastes_at_one_place_stay_whole_and_ordered_the_same_everywhere()
    {
        var net = new Network(3, 7);
        net.Edit(0, new Patch(0, 0, "ab"));
        net.DeliverAll();
        net.Edit(0, new Patch(1, 0, "111"));
        net.Edit(1, new Patch(1, 0, "222"));
        net.Edit(2, new Patch(1, 0, "333"));
        net.DeliverAll();
        net.AssertConverged();
        var text = net.Docs[0].GetText();
        Assert.Matches("^a(111|222|333){3}b$", text);
    }
}
