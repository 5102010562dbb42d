using Google.Protobuf.Collections;

namespace ActorCausal.Serialization;

/// <summary>
/// A vector (clock or acknowledgement vector) as its changes against a base vector of the same dimension: pairs
/// (index, new value - old value), indexes increasing, unchanged entries left out. Used inside one compact envelope,
/// whose previous data message is the base, so decoding never needs anything outside the envelope.
/// </summary>
internal static class VectorDelta
{
    public static void Write(RepeatedField<long> target, ReadOnlySpan<long> baseVector, ReadOnlySpan<long> vector) =>
        Write(target, baseVector, vector, new Entry(-1, 0));

    /// <summary>As <see cref="Write(RepeatedField{long}, ReadOnlySpan{long}, ReadOnlySpan{long})"/> against <paramref name="baseVector"/> with <paramref name="entry"/> put in (no copy).</summary>
    public static void Write(RepeatedField<long> target, ReadOnlySpan<long> baseVector, ReadOnlySpan<long> vector, Entry entry)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            var old = i == entry.Index ? entry.Value : baseVector[i];
            if (vector[i] == old) continue;
            target.Add(i);
            target.Add(vector[i] - old);
        }
    }

    /// <summary>How many entries <see cref="Write(RepeatedField{long}, ReadOnlySpan{long}, ReadOnlySpan{long}, Entry)"/> would name.</summary>
    public static int Changes(ReadOnlySpan<long> baseVector, ReadOnlySpan<long> vector, Entry entry)
    {
        var changes = 0;
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] != (i == entry.Index ? entry.Value : baseVector[i])) changes++;
        }
        return changes;
    }

    /// <summary>The vector <paramref name="delta"/> makes of <paramref name="baseVector"/>; a <see cref="WireFormatException"/> naming <paramref name="what"/> for a malformed delta.</summary>
    public static long[] Apply(ReadOnlySpan<long> baseVector, RepeatedField<long> delta, string what) =>
        ApplyTo(baseVector.ToArray(), delta, new Name(what, 0, ""));

    /// <summary>Applies <paramref name="delta"/> to <paramref name="vector"/> in place; errors name the <paramref name="vectorName"/> of data message <paramref name="message"/>.</summary>
    public static long[] Apply(long[] vector, RepeatedField<long> delta, int message, string vectorName) =>
        ApplyTo(vector, delta, new Name(null, message, vectorName));

    private static long[] ApplyTo(long[] vector, RepeatedField<long> delta, Name what)
    {
        if (delta.Count % 2 != 0) throw new WireFormatException($"{what} is a delta of {delta.Count} numbers, not (index, change) pairs.");
        long previous = -1;
        for (var j = 0; j < delta.Count; j += 2)
        {
            var index = delta[j];
            if (index <= previous || index >= vector.Length)
                throw new WireFormatException($"{what} changes index {index} of a {vector.Length}-entry vector{(index <= previous ? $" after index {previous}" : "")}.");
            var change = delta[j + 1];
            if (change == 0) throw new WireFormatException($"{what} changes index {index} by 0.");
            var value = checked(vector[index] + change);
            if (value < 0) throw new WireFormatException($"{what} makes entry {index} negative ({value}).");
            vector[index] = value;
            previous = index;
        }
        return vector;
    }

    /// <summary>What a delta belongs to, formatted only for an error.</summary>
    private readonly record struct Name(string? What, int Message, string Vector)
    {
        public override string ToString() => What ?? $"Data message {Message}'s {Vector}";
    }

    /// <summary>One entry of a base vector replaced (index -1: none).</summary>
    public readonly record struct Entry(int Index, long Value);
}
