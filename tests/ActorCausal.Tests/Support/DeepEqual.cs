using System.Collections;
using System.Reflection;
using ActorCausal.Protocol.Clocks;

namespace ActorCausal.Tests.Support;

/// <summary>Structural equality for protocol messages (records holding ImmutableArrays and memory, which compare by reference).</summary>
public static class DeepEqual
{
    public static void Assert(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            Xunit.Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }
        var type = expected.GetType();
        Xunit.Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, got a {actual.GetType().Name}");
        switch (expected)
        {
            case string or bool or Enum or int or long or short or byte or double or float or decimal or VectorClock:
                Xunit.Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case ReadOnlyMemory<byte> memory:
                Xunit.Assert.True(memory.Span.SequenceEqual(((ReadOnlyMemory<byte>)actual).Span), $"{path}: bytes differ");
                return;
            case IEnumerable sequence:
                var left = sequence.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                Xunit.Assert.True(left.Count == right.Count, $"{path}: expected {left.Count} elements, got {right.Count}");
                for (var i = 0; i < left.Count; i++) Assert(left[i], right[i], $"{path}[{i}]");
                return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract") continue;
            Assert(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}
