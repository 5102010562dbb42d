using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.Reflection;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>
/// A protocol message into the envelope's union and back. The accessor alone: protobuf's reflection accessor (what the
/// wire rows used before) against typed delegates to the generated property (built as <see cref="ProtocolWireType{T, TProto}"/>
/// builds them now). Then the whole path with the mapping: the wire row against the same mapping through the
/// reflection accessor. A NAK, so that the mapping itself costs little next to the accessor.
/// </summary>
[MemoryDiagnoser]
public class UnionAccessorBenchmarks
{
    private static readonly FieldDescriptor NakField = W.ProtocolMessage.Descriptor.FindFieldByNumber(W.ProtocolMessage.NakFieldNumber);
    private static readonly Func<W.ProtocolMessage, W.Nak> GetNak =
        typeof(W.ProtocolMessage).GetProperty(NakField.PropertyName)!.GetMethod!.CreateDelegate<Func<W.ProtocolMessage, W.Nak>>();
    private static readonly Action<W.ProtocolMessage, W.Nak> SetNak =
        typeof(W.ProtocolMessage).GetProperty(NakField.PropertyName)!.SetMethod!.CreateDelegate<Action<W.ProtocolMessage, W.Nak>>();

    private readonly ProtoMapping _mapping = new(_ => throw new InvalidOperationException("no payloads here"), _ => true);
    private readonly Nak _nak = new(7, 2, 5, 9);
    private readonly W.Nak _proto = new() { ViewId = 7, Origin = 2, From = 5, To = 9 };
    private readonly W.ProtocolMessage _union = new();
    private readonly ProtocolWireType _row = WireTypes.Of(new Nak(7, 2, 5, 9));

    [Benchmark(Baseline = true)]
    public object ReflectionSetGet()
    {
        NakField.Accessor.SetValue(_union, _proto);
        return (W.Nak)NakField.Accessor.GetValue(_union);
    }

    [Benchmark]
    public object TypedSetGet()
    {
        SetNak(_union, _proto);
        return GetNak(_union);
    }

    [Benchmark]
    public ProtocolMessage ReflectionWithMapping()
    {
        var union = new W.ProtocolMessage();
        NakField.Accessor.SetValue(union, _mapping.ToProto(_nak));
        return _mapping.FromProto((W.Nak)NakField.Accessor.GetValue(union));
    }

    [Benchmark]
    public ProtocolMessage WireRow() => _row.FromUnion(_mapping, _row.ToUnion(_mapping, _nak));
}
