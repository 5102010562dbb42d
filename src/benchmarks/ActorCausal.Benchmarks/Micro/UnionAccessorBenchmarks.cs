using System.Linq.Expressions;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using BenchmarkDotNet.Attributes;
using Google.Protobuf.Reflection;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>
/// A protocol message into the envelope's union and back. The accessor alone: protobuf's reflection accessor (what the
/// wire rows use, <c>FieldDescriptor.Accessor</c>) against typed alternatives: open-instance delegates to the generated
/// property, compiled expressions, and C# lambdas written per case. Then the whole path with the mapping: the wire
/// row against the same mapping through open-instance delegates. A NAK, so that the mapping itself costs little.
/// </summary>
[MemoryDiagnoser]
public class UnionAccessorBenchmarks
{
    private static readonly FieldDescriptor NakField = W.ProtocolMessage.Descriptor.FindFieldByNumber(W.ProtocolMessage.NakFieldNumber);
    private static readonly System.Reflection.PropertyInfo NakProperty = typeof(W.ProtocolMessage).GetProperty(NakField.PropertyName)!;
    private static readonly Func<W.ProtocolMessage, W.Nak> GetNak = NakProperty.GetMethod!.CreateDelegate<Func<W.ProtocolMessage, W.Nak>>();
    private static readonly Action<W.ProtocolMessage, W.Nak> SetNak = NakProperty.SetMethod!.CreateDelegate<Action<W.ProtocolMessage, W.Nak>>();
    private static readonly Func<W.ProtocolMessage, W.Nak> GetCompiled = Getter();
    private static readonly Action<W.ProtocolMessage, W.Nak> SetCompiled = Setter();
    private static readonly Func<W.ProtocolMessage, W.Nak> GetLambda = static u => u.Nak;
    private static readonly Action<W.ProtocolMessage, W.Nak> SetLambda = static (u, v) => u.Nak = v;

    private readonly ProtoMapping _mapping = new(_ => throw new InvalidOperationException("no payloads here"), _ => true);
    private readonly Nak _nak = new(7, 2, 5, 9);
    private readonly W.Nak _proto = new() { ViewId = 7, Origin = 2, From = 5, To = 9 };
    private readonly W.ProtocolMessage _union = new();
    private readonly ProtocolWireType _row = WireTypes.Of(new Nak(7, 2, 5, 9));

    private static Func<W.ProtocolMessage, W.Nak> Getter()
    {
        var union = Expression.Parameter(typeof(W.ProtocolMessage));
        return Expression.Lambda<Func<W.ProtocolMessage, W.Nak>>(Expression.Property(union, NakProperty), union).Compile();
    }

    private static Action<W.ProtocolMessage, W.Nak> Setter()
    {
        var union = Expression.Parameter(typeof(W.ProtocolMessage));
        var value = Expression.Parameter(typeof(W.Nak));
        return Expression.Lambda<Action<W.ProtocolMessage, W.Nak>>(Expression.Assign(Expression.Property(union, NakProperty), value), union, value).Compile();
    }

    [Benchmark(Baseline = true)]
    public object ReflectionSetGet()
    {
        NakField.Accessor.SetValue(_union, _proto);
        return (W.Nak)NakField.Accessor.GetValue(_union);
    }

    [Benchmark]
    public object OpenDelegateSetGet()
    {
        SetNak(_union, _proto);
        return GetNak(_union);
    }

    [Benchmark]
    public object CompiledSetGet()
    {
        SetCompiled(_union, _proto);
        return GetCompiled(_union);
    }

    [Benchmark]
    public object LambdaSetGet()
    {
        SetLambda(_union, _proto);
        return GetLambda(_union);
    }

    [Benchmark]
    public ProtocolMessage WireRow() => _row.FromUnion(_mapping, _row.ToUnion(_mapping, _nak));

    [Benchmark]
    public ProtocolMessage OpenDelegateWithMapping()
    {
        var union = new W.ProtocolMessage();
        SetNak(union, _mapping.ToProto(_nak));
        return _mapping.FromProto(GetNak(union));
    }
}
