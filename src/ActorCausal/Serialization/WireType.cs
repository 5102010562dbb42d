using ActorCausal.Protocol.Messages;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

/// <summary>
/// One row of <see cref="WireTypes"/>: a message type that crosses the wire, its manifest, and how it becomes protobuf
/// and comes back (through <see cref="ProtoMapping"/>, which also validates what it reads).
/// </summary>
internal abstract class WireType(Type type, string manifest)
{
    public Type Type { get; } = type;

    /// <summary>The serializer manifest. Never change one: a node of the previous version reads by it.</summary>
    public string Manifest { get; } = manifest;

    public abstract byte[] ToBinary(ProtoMapping mapping, object message);

    /// <summary>Parses and validates; throws protobuf's or <see cref="WireFormatException"/> on malformed bytes.</summary>
    public abstract object FromBinary(ProtoMapping mapping, byte[] bytes);
}

/// <summary>A runtime message between group actors (<see cref="IWireMessage"/>): sent alone, never inside an envelope.</summary>
internal sealed class RuntimeWireType<T, TProto>(string manifest, Func<ProtoMapping, T, TProto> toProto, Func<ProtoMapping, TProto, T> fromProto)
    : WireType(typeof(T), manifest)
    where T : IWireMessage
    where TProto : IMessage<TProto>, new()
{
    private static readonly MessageParser<TProto> Parser = new(() => new TProto());

    public override byte[] ToBinary(ProtoMapping mapping, object message) => toProto(mapping, (T)message).ToByteArray();

    public override object FromBinary(ProtoMapping mapping, byte[] bytes) => fromProto(mapping, Parser.ParseFrom(bytes));
}

/// <summary>
/// A protocol message: sent alone (its own manifest) or as one kind of the envelope's <c>ProtocolMessage</c> union, and
/// with a size estimate for batching and chunking.
/// </summary>
internal abstract class ProtocolWireType(Type type, string manifest) : WireType(type, manifest)
{
    /// <summary>The union case that carries this type inside an envelope.</summary>
    public abstract W.ProtocolMessage.KindOneofCase Case { get; }

    public abstract IMessage ToProto(ProtoMapping mapping, ProtocolMessage message);

    public abstract W.ProtocolMessage ToUnion(ProtoMapping mapping, ProtocolMessage message);

    public abstract ProtocolMessage FromUnion(ProtoMapping mapping, W.ProtocolMessage union);

    /// <summary>A rough wire size, on the high side (<see cref="WireSize"/>).</summary>
    public abstract long EstimateBytes(ProtocolMessage message);
}

/// <inheritdoc cref="ProtocolWireType"/>
internal sealed class ProtocolWireType<T, TProto> : ProtocolWireType
    where T : ProtocolMessage
    where TProto : class, IMessage<TProto>, new()
{
    private static readonly MessageParser<TProto> Parser = new(() => new TProto());
    private readonly Func<ProtoMapping, T, TProto> _toProto;
    private readonly Func<ProtoMapping, TProto, T> _fromProto;
    private readonly Func<T, long> _estimate;
    private readonly FieldDescriptor _unionField;

    public ProtocolWireType(string manifest, Func<ProtoMapping, T, TProto> toProto, Func<ProtoMapping, TProto, T> fromProto, Func<T, long> estimate)
        : base(typeof(T), manifest)
    {
        _toProto = toProto;
        _fromProto = fromProto;
        _estimate = estimate;
        // The union field of this protobuf type: each union kind has a protobuf message type of its own.
        _unionField = W.ProtocolMessage.Descriptor.Oneofs.Single().Fields.Single(f => f.MessageType?.ClrType == typeof(TProto));
    }

    public override W.ProtocolMessage.KindOneofCase Case => (W.ProtocolMessage.KindOneofCase)_unionField.FieldNumber;

    public override IMessage ToProto(ProtoMapping mapping, ProtocolMessage message) => _toProto(mapping, (T)message);

    public override W.ProtocolMessage ToUnion(ProtoMapping mapping, ProtocolMessage message)
    {
        var union = new W.ProtocolMessage();
        _unionField.Accessor.SetValue(union, _toProto(mapping, (T)message));
        return union;
    }

    public override ProtocolMessage FromUnion(ProtoMapping mapping, W.ProtocolMessage union) => _fromProto(mapping, (TProto)_unionField.Accessor.GetValue(union));

    public override byte[] ToBinary(ProtoMapping mapping, object message) => _toProto(mapping, (T)message).ToByteArray();

    public override object FromBinary(ProtoMapping mapping, byte[] bytes) => _fromProto(mapping, Parser.ParseFrom(bytes));

    public override long EstimateBytes(ProtocolMessage message) => _estimate((T)message);
}
