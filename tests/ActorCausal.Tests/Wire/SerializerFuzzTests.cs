using System.Runtime.Serialization;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using CsCheck;
using Xunit.Abstractions;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// Valid frames of every manifest, mutated (bits flipped, bytes set, inserted, deleted, ranges cut or repeated): the
/// serializer either returns a message it can write and read back to the same message, or throws a
/// <see cref="SerializationException"/>; never another exception.
/// </summary>
public sealed class SerializerFuzzTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly ActorSystem _system = ActorSystem.Create("fuzz", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));
    private readonly CausalGroupsSerializer _serializer;
    private readonly (string Name, string Manifest, byte[] Bytes)[] _frames;

    public SerializerFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        _serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);
        _frames = SerializerTests.Samples().Select(row => (string)row[0]).Zip(SerializerTests.Samples().Select(row => row[1]))
            .Select(s => (s.First, _serializer.Manifest(s.Second), _serializer.ToBinary(s.Second))).ToArray();
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private enum Mutation { FlipBit, SetByte, Insert, Delete, Truncate, RepeatRange }

    private static readonly Gen<(Mutation Kind, double At, double Length, byte Value)> Mutations =
        Gen.Select(Gen.Enum<Mutation>(), Gen.Double[0, 1], Gen.Double[0, 1], Gen.Byte);

    private static byte[] Apply(byte[] frame, IEnumerable<(Mutation Kind, double At, double Length, byte Value)> mutations)
    {
        var bytes = frame.ToList();
        foreach (var (kind, at, length, value) in mutations)
        {
            if (bytes.Count == 0) bytes.Add(value);
            var i = Math.Min(bytes.Count - 1, (int)(at * bytes.Count));
            var n = Math.Max(1, (int)(length * Math.Min(16, bytes.Count - i)));
            switch (kind)
            {
                case Mutation.FlipBit: bytes[i] ^= (byte)(1 << (value % 8)); break;
                case Mutation.SetByte: bytes[i] = value; break;
                case Mutation.Insert: bytes.Insert(i, value); break;
                case Mutation.Delete: bytes.RemoveRange(i, n); break;
                case Mutation.Truncate: bytes.RemoveRange(i, bytes.Count - i); break;
                case Mutation.RepeatRange: bytes.InsertRange(i, bytes.GetRange(i, n)); break;
            }
        }
        return [.. bytes];
    }

    [Fact]
    public void Mutated_frames_of_every_manifest_give_a_consistent_message_or_a_serialization_exception()
    {
        var outcomes = new Dictionary<string, (int Parsed, int Refused)>();
        Gen.Select(Gen.Int[0, _frames.Length - 1], Mutations.Array[1, 4]).Sample((index, mutations) =>
        {
            var (name, manifest, frame) = _frames[index];
            var bytes = Apply(frame, mutations);
            object result;
            try
            {
                result = _serializer.FromBinary(bytes, manifest);
            }
            catch (SerializationException e)
            {
                Assert.Contains($"'{manifest}'", e.Message);
                lock (outcomes) outcomes[name] = outcomes.GetValueOrDefault(name) is var o ? (o.Parsed, o.Refused + 1) : default;
                return;
            }
            Assert.NotNull(result);
            Assert.Equal(manifest, _serializer.Manifest(result));
            var again = _serializer.FromBinary(_serializer.ToBinary(result), manifest);
            DeepEqual.Assert(result, again, name);
            lock (outcomes) outcomes[name] = outcomes.GetValueOrDefault(name) is var o ? (o.Parsed + 1, o.Refused) : default;
        }, iter: 30_000, threads: 1, seed: "0N0XIzNsQ0O2");

        _output.WriteLine(string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value.Parsed}/{kv.Value.Refused}")));
        // Every frame was mutated often, and both outcomes happened: the fuzzer reached past the first field.
        Assert.Equal(_frames.Length, outcomes.Count);
        Assert.True(outcomes.Values.Sum(o => o.Parsed) > 1_000 && outcomes.Values.Sum(o => o.Refused) > 1_000,
            string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value.Parsed}/{kv.Value.Refused}")));
    }

    // Found by this test: a FlushCommit whose decision names messages this member cannot deliver (or ranks outside the
    // view) made GroupMember.ApplyCommit throw, which stopped the group actor (GroupStopped Failed). Flush messages are now
    // checked before they change anything (GroupMember.FlushValidation.cs) and refused as RejectReason.MalformedFlush.
    [Fact]
    public void Protocol_messages_read_from_mutated_frames_are_refused_or_handled_by_the_protocol_without_throwing()
    {
        // The samples' members: A (rank 0, receiving), B (rank 1, sending), C; view 7 as in the samples.
        var a = new Protocol.Membership.MemberId("akka.tcp://sys@127.0.0.1:4001", 11);
        var b = new Protocol.Membership.MemberId("akka.tcp://sys@127.0.0.1:4002", -22);
        var c = new Protocol.Membership.MemberId("akka.tcp://sys@127.0.0.1:4003", 33);
        var failures = new List<string>();
        Gen.Select(Gen.Int[0, _frames.Length - 1], Mutations.Array[0, 3]).Sample((index, mutations) =>
        {
            var (name, manifest, frame) = _frames[index];
            if (!WireTypes.IsProtocolMessageManifest(manifest)) return;
            object message;
            try
            {
                message = _serializer.FromBinary(Apply(frame, mutations), manifest);
            }
            catch (SerializationException)
            {
                return;
            }
            var member = new Protocol.GroupMember(a, new Protocol.Membership.GroupView(7, [a, b, c]), null, 1_000);
            try
            {
                member.Receive(b, (Protocol.Messages.ProtocolMessage)message);
                member.Tick(2_000);
                member.DrainEffects(new List<Protocol.Effect>());
            }
            catch (Exception e)
            {
                lock (failures) failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }, iter: 20_000, threads: 1, seed: "0N0XIzNsQ0O2");
        Assert.True(failures.Count == 0, $"{failures.Count} inputs made the protocol throw: {string.Join(" | ", failures.Distinct().Take(10))}");
    }
}
