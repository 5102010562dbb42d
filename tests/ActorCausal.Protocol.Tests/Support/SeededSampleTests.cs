using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Support;

public class SeededSampleTests
{
    private static readonly Gen<long> Numbers = Gen.Long[0, 1_000_000_000];

    [Fact]
    public void The_same_seeds_give_the_same_inputs_every_run()
    {
        var first = new ConcurrentBag<long>();
        var second = new ConcurrentBag<long>();

        SeededSample.Check(Numbers, x => { first.Add(x); return true; }, firstSeed: 5, iterations: 200);
        SeededSample.Check(Numbers, x => { second.Add(x); return true; }, firstSeed: 5, iterations: 200);

        Assert.Equal(200, first.Count);
        Assert.Equal(first.Order(), second.Order());
        Assert.True(first.Distinct().Count() > 150, "the seeds gave nearly the same input");
    }

    [Fact]
    public void A_failure_names_a_cscheck_seed_that_replays_the_failing_input()
    {
        var failing = new ConcurrentBag<long>();
        var error = Assert.ThrowsAny<Exception>(() =>
            SeededSample.Check(Numbers, x => { if (x % 7 != 0) return true; failing.Add(x); return false; }, firstSeed: 1, iterations: 300));

        Assert.NotEmpty(failing);
        Assert.Contains($"{failing.Count} of 300 iterations failed", error.Message);
        var seed = Regex.Match(error.Message, "CsCheck seed \"([^\"]+)\"").Groups[1].Value;
        var input = long.Parse(Regex.Match(error.Message, @"input (\d+)").Groups[1].Value);
        long replayed = -1;
        Numbers.Sample(x => { replayed = x; return true; }, iter: 1, threads: 1, seed: seed);
        Assert.Equal(input, replayed);
        Assert.Contains(input, failing);
    }
}
