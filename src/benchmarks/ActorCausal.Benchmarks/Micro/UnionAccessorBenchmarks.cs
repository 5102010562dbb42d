using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.Reflection;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>
/// A protocol message into the envelope's union and back: through its wire row (typed delegates to the generated
/// property) against the same mapping through protobuf's reflection accessor, which the row used before. A NAK, so
/// that the mapping itself costs little next to the accessor.
/// </summary>
[MemoryDiagnoser]
public class UnionAccessorBenchmarks
{
    private static readonly FieldDescriptor NakField = W.ProtocolMessage.Descriptor.FindFieldByNumber(W.ProtocolMessage.NakFieldNumber);
    private readonly ProtoMapping _mapping = new(_ => throw new InvalidOperationException("no payloads here"), _ => true);
    private readonly Nak _nak = new(7, 2, 5, 9);
    private readonly ProtocolWireType _row = WireTypes.Of(new Nak(7, 2, 5, 9));

    [Benchmark(Baseline = true)]
    public ProtocolMessage ReflectionAccessor()
    {
        var union = new W.ProtocolMessage();
        NakField.Accessor.SetValue(union, _mapping.ToProto(_nak));
        return _mapping.FromProto((W.Nak)NakField.Accessor.GetValue(union));
    }

    [Benchmark]
    public ProtocolMessage WireRow() => _row.FromUnion(_mapping, _row.ToUnion(_mapping, _nak));
}
