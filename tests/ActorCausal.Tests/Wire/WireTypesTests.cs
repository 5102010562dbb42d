using System.Runtime.Serialization;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// The wire registry (<see cref="WireTypes"/>) is complete: every message type that can reach the serializer, found by
/// reflection, has exactly one row; every row has a sample that round-trips alone and inside an envelope; and malformed
/// bytes under every manifest give the serializer's error. A new message type without a row, or a row without a sample,
/// fails here.
/// </summary>
public sealed class WireTypesTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("wiretypes", ConfigurationFactory.ParseString("akka.loglevel = WARNING\nactorcausal.batching.compact-envelopes = off").WithFallback(CausalGroups.DefaultConfig()));
    private readonly CausalGroupsSerializer _serializer;

    public WireTypesTests() => _serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static IEnumerable<Type> ConcreteTypes(Type baseType) =>
        baseType.Assembly.GetTypes().Where(t => !t.IsAbstract && !t.IsInterface && baseType.IsAssignableFrom(t));

    [Fact]
    public void Every_protocol_message_and_every_runtime_wire_message_has_exactly_one_row()
    {
        var expected = ConcreteTypes(typeof(ProtocolMessage)).Concat(ConcreteTypes(typeof(IWireMessage))).ToHashSet();
        Assert.True(expected.Count >= 24, $"reflection found only {expected.Count} wire types");
        var rows = WireTypes.All.Select(r => r.Type).ToList();

        Assert.Empty(expected.Except(rows).Select(t => t.Name));
        Assert.Empty(rows.Except(expected).Select(t => t.Name));
        Assert.Equal(rows.Count, rows.Distinct().Count());
        Assert.Equal(WireTypes.All.Length, WireTypes.All.Select(r => r.Manifest).Distinct().Count());
        Assert.All(ConcreteTypes(typeof(ProtocolMessage)), t => Assert.IsAssignableFrom<ProtocolWireType>(WireTypes.All.Single(r => r.Type == t)));
    }

    [Fact]
    public void Every_kind_of_the_envelope_union_belongs_to_one_protocol_row()
    {
        var kinds = Enum.GetValues<W.ProtocolMessage.KindOneofCase>().Where(k => k != W.ProtocolMessage.KindOneofCase.None).ToList();
        var rowKinds = WireTypes.All.OfType<ProtocolWireType>().Select(r => r.Case).ToList();
        Assert.Equal(kinds.Order(), rowKinds.Order());
    }

    [Fact]
    public void Every_row_has_a_sample_that_round_trips_alone_and_inside_an_envelope()
    {
        var samples = SerializerTests.Samples().Select(row => row[1]).ToList();
        var mapping = new ProtoMapping(_ => throw new InvalidOperationException("the samples' payloads are serialized already"));
        foreach (var row in WireTypes.All)
        {
            var sample = samples.FirstOrDefault(s => s.GetType() == row.Type);
            Assert.True(sample is not null, $"SerializerTests.Samples has no {row.Type.Name}: add one");
            Assert.Equal(row.Manifest, _serializer.Manifest(sample));
            DeepEqual.Assert(sample, _serializer.FromBinary(_serializer.ToBinary(sample), row.Manifest), row.Type.Name);
            if (row is ProtocolWireType protocol)
            {
                var union = protocol.ToUnion(mapping, (ProtocolMessage)sample);
                Assert.Equal(protocol.Case, union.KindCase);
                DeepEqual.Assert(sample, mapping.FromProto(union), row.Type.Name + " in the union");
                Assert.True(protocol.EstimateBytes((ProtocolMessage)sample) > 0);
            }
        }
    }

    [Fact]
    public void Malformed_bytes_under_every_manifest_raise_the_serializers_error_naming_the_manifest()
    {
        var samples = SerializerTests.Samples().Select(row => row[1]).ToList();
        foreach (var row in WireTypes.All)
        {
            var valid = _serializer.ToBinary(samples.First(s => s.GetType() == row.Type));
            byte[][] malformed =
            [
                valid[..^1],                        // the last field cut short
                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF],     // an unterminated varint tag
                [0x0A, 0x7F, 0x01],                 // field 1 announces 127 bytes and carries one
                [0x0F],                             // wire type 7 does not exist
            ];
            foreach (var bytes in malformed)
            {
                var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, row.Manifest));
                Assert.Contains(nameof(CausalGroupsSerializer), e.Message);
                Assert.Contains($"'{row.Manifest}'", e.Message);
            }
        }
    }

    [Fact]
    public void A_type_without_a_row_is_refused_with_its_name()
    {
        var e = Assert.Throws<SerializationException>(() => _serializer.Manifest("not a wire message"));
        Assert.Contains("System.String", e.Message);
        e = Assert.Throws<SerializationException>(() => _serializer.ToBinary(new object()));
        Assert.Contains("System.Object", e.Message);
        Assert.Contains("unknown manifest", Assert.Throws<SerializationException>(() => _serializer.FromBinary([0x08, 0x01], "no-such")).Message);
    }
}
