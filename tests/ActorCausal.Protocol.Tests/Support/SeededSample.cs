using System.Collections.Concurrent;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Support;

/// <summary>
/// Runs a CsCheck property over a fixed list of seeds. CsCheck's <c>Sample(seed: ...)</c> seeds only its first
/// iteration and draws the others at random, so a suite built on it is not the same run twice; here iteration i
/// generates its input from seed <c>firstSeed + i</c> alone, in parallel but with a result that does not depend on
/// scheduling. A failure names its iteration and the CsCheck seed string that replays it
/// (<c>gen.Sample(property, iter: 1, seed: "...")</c>, which also lets CsCheck shrink from there).
/// </summary>
internal static class SeededSample
{
    public static void Check<T>(Gen<T> gen, Func<T, bool> property, ulong firstSeed, int iterations, Func<T, string>? print = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var failures = new ConcurrentBag<(int Iteration, string Seed, string Input, Exception? Error)>();
        Parallel.For(0, iterations, i =>
        {
            var pcg = new PCG(Stream, firstSeed + (ulong)i);
            var replay = pcg.ToString();
            var input = gen.Generate(pcg, null, out _);
            try
            {
                if (!property(input)) failures.Add((i, replay, Describe(input, print), null));
            }
            catch (Exception e)
            {
                failures.Add((i, replay, Describe(input, print), e));
            }
        });
        if (failures.IsEmpty) return;
        var first = failures.MinBy(f => f.Iteration);
        throw new Xunit.Sdk.XunitException(
            $"{failures.Count} of {iterations} iterations failed (seeds {firstSeed}..{firstSeed + (ulong)iterations - 1}); the first: iteration {first.Iteration}, " +
            $"CsCheck seed \"{first.Seed}\", input {first.Input}{(first.Error is null ? " (property false)" : $"\n{first.Error}")}");
    }

    public static void Check<T1, T2>(Gen<(T1, T2)> gen, Action<T1, T2> property, ulong firstSeed, int iterations) =>
        Check(gen, t => { property(t.Item1, t.Item2); return true; }, firstSeed, iterations);

    public static void Check<T1, T2>(Gen<(T1, T2)> gen, Func<T1, T2, bool> property, ulong firstSeed, int iterations) =>
        Check(gen, t => property(t.Item1, t.Item2), firstSeed, iterations);

    /// <summary>One PCG stream for every seed: the seed alone picks the input.</summary>
    private const uint Stream = 1;

    private static string Describe<T>(T input, Func<T, string>? print) => print is not null ? print(input) : CsCheck.Check.Print(input);
}
