using CollabEditor.Crdt;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Crdt;

/// <summary>Seeded property tests: replicas edit concurrently, updates arrive in random causal orders.</summary>
public class ConvergenceTests
{
    public static IEnumerable<object[]> Seeds() => Enumerable.Range(1, 40).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_concurrent_edits_converge(int seed)
    {
        var random = new Random(seed);
        var replicas = 3 + seed % 3;
        var net = new Network(replicas, seed);
        for (var step = 0; step < 300; step++)
        {
            var r = random.Next(replicas);
            var doc = net.Docs[r];
            var len = doc.Length;
            var roll = random.Next(10);
            if (roll < 6 || len == 0)
            {
                var text = RandomText(random, 1 + random.Next(random.Next(10) == 0 ? 20 : 3));
                net.Edit(r, new Patch(random.Next(len + 1), 0, text));
            }
            else if (roll < 9)
            {
                var pos = random.Next(len);
                net.Edit(r, new Patch(pos, 1 + random.Next(Math.Min(8, len - pos)), ""));
            }
            else
            {
                var pos = random.Next(len);
                net.Edit(r, new Patch(pos, Math.Min(2, len - pos), "x"), new Patch(0, 0, "y"));
            }
            net.DeliverSome(random.Next(4));
        }
        net.DeliverAll();
        net.AssertConverged();
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Concurrent_deletes_of_the_same_range_converge(int seed)
    {
        var random = new Random(seed);
        var net = new Network(3, seed);
        net.Edit(0, new Patch(0, 0, "0123456789abcdefghij"));
        net.DeliverAll();
        for (var r = 0; r < 3; r++) net.Edit(r, new Patch(4 + random.Next(3), 5 + random.Next(3), ""));
        net.Edit(1, new Patch(2, 0, "Z"));
        net.DeliverAll();
        net.AssertConverged();
        var text = net.Docs[0].GetText();
        Assert.StartsWith("01", text);
        Assert.EndsWith("fghij", text);
        Assert.Contains("Z", text);
    }

    private static string RandomText(Random random, int n)
    {
        var chars = new char[n];
        for (var i = 0; i < n; i++) chars[i] = (char)('a' + random.Next(26));
        return new string(chars);
    }
}
