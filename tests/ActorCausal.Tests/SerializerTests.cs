using System.Collections.Immutable;
using System.Runtime.Serialization;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests;

public sealed class SerializerTests : IDisposable
{
    private static readonly MemberId A = new("akka.tcp://sys@127.0.0.1:4001", 11);
    private static readonly MemberId B = new("akka.tcp://sys@127.0.0.1:4002", -22);
    private static readonly MemberId C = new("akka.tcp://sys@127.0.0.1:4003", 33);

    private readonly ActorSystem _system;
    private readonly CausalGroupsSerializer _serializer;

    public SerializerTests()
    {
        // A plain local system with the library's reference.conf: the bindings are what a cluster node gets.
        _system = ActorSystem.Create("serializer", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));
        _serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static SerializedPayload Payload(string text) => new(1, "M", System.Text.Encoding.UTF8.GetBytes(text));

    private static DataMessage Data(long seq, DeliveryOrder order = DeliveryOrder.Causal, params MessageId[] deps) =>
        new(7, 1, seq, order, VectorClock.Of(3, seq, 0), VectorClock.Of(2, seq - 1, 0), new HlcTimestamp(1_700_000_000_123, 4),
            [.. deps], Payload($"payload {seq}"));

    private static FlushDecision Decision() =>
        new(7, 8, [A, C], [3, 2, 0], [Data(1), Data(2, DeliveryOrder.Total)], [new KnownFinal(new MessageId(7, 1, 2), new Priority(12, 2))]);

    public static TheoryData<string, object> Samples() => new()
    {
        { "data", Data(2, DeliveryOrder.Explicit, new MessageId(7, 0, 3)) },
        { "data-total-no-deps", Data(1, DeliveryOrder.Total) },
        { "data-safe-causal", Data(3) with { Safe = true } },
        { "data-safe-total", Data(4, DeliveryOrder.Total) with { Safe = true } },
        { "nak", new Nak(7, 2, 5, 9) },
        { "gossip", new StabilityGossip(7, VectorClock.Of(4, 5, 6)) },
        { "gossip-safe-ack", new StabilityGossip(7, VectorClock.Of(4, 5, 6)) { Held = VectorClock.Of(5, 7, 6) } },
        { "proposal", new Proposal(7, new MessageId(7, 2, 9), new Priority(40, 1), ReplyRequested: true) },
        { "proposal-batch", new ProposalBatch(7, [new ProposedPriority(new MessageId(7, 2, 9), new Priority(40, 1)), new ProposedPriority(new MessageId(7, 0, 3), new Priority(41, 1))]) },
        { "final", new FinalPriority(7, new MessageId(7, 2, 9), new Priority(41, 0)) },
        { "flush-request", new FlushRequest(7, new FlushRound(3, 0), [A, C]) },
        { "flush-report", new FlushReport(7, new FlushRound(3, 0), VectorClock.Of(3, 1, 0), [Data(2)], [new KnownFinal(new MessageId(7, 1, 2), new Priority(9, 1))], new FlushRound(2, 1), Decision()) },
        { "flush-report-unprepared", new FlushReport(7, new FlushRound(3, 0), VectorClock.Of(0, 0, 0), [], [], default, null) },
        { "flush-prepare", new FlushPrepare(7, new FlushRound(3, 0), Decision()) },
        { "flush-prepare-ack", new FlushPrepareAck(7, new FlushRound(3, 0)) },
        { "flush-commit", new FlushCommit(7, new FlushRound(3, 0), Decision()) },
        { "flush-decision", Decision() },
        // What the protocol decides when every member of a group leaves: no new members.
        { "flush-decision-closing-the-group", new FlushDecision(7, 8, [], [3, 2, 0], [Data(1)], []) },
        { "flush-commit-closing-the-group", new FlushCommit(7, new FlushRound(3, 0), new FlushDecision(7, 8, [], [0, 0, 0], [], [])) },
        { "welcome", new Welcome(8, [A, C], [C], new byte[] { 1, 2, 3, 0, 255 }) },
        { "welcome-empty-snapshot", new Welcome(8, [A], [A], ReadOnlyMemory<byte>.Empty) },
        { "leave", new LeaveRequest(7) },
        { "merge-probe", new MergeProbe(7, [A, C]) },
        { "group-probe", new GroupProbe(A, new MergeProbe(7, [A, C])) },
        { "merge-request", new MergeRequest(1, [B]) },
        { "merge-accept", new MergeAccept(7, [A, C]) },
        { "merge-offer", new MergeOffer(1, [B], new byte[] { 4, 0, 2 }) },
        { "welcome-declined", new WelcomeDeclined(1, [B]) },
        // The decision that closes a group to merge into another: no new members, the target named.
        { "flush-decision-merging", new FlushDecision(1, 2, [], [1], [], []) { MergeTarget = new GroupView(7, [A, C]) } },
        { "flush-commit-admitting-a-merged-side", new FlushCommit(7, new FlushRound(1, 0), Decision() with { Merged = [new MergeSide(new GroupView(1, [B]), new byte[] { 7, 7 })] }) },
        { "welcome-after-a-merge", new Welcome(8, [A, C], [C], new byte[] { 1 }) { Merged = [new MergeSide(new GroupView(3, [B]), new byte[] { 9 })] } },
        { "join-request", new JoinRequest(B) },
        { "join-ack", new JoinAck(A, 7) },
        { "chunk", new GroupChunk(B, 3, 1, 4, 40, "FR", new byte[] { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 }) },
        { "envelope", new GroupEnvelope(B, [Data(1), new Nak(7, 0, 1, 2), new StabilityGossip(7, VectorClock.Of(1, 1, 1)), new FlushCommit(7, new FlushRound(1, 0), Decision())]) },
        { "clock-heartbeat", new ClockHeartbeat(7, 12, new HlcTimestamp(1_765_000_000_123, 4)) },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_message_type_round_trips_through_the_bound_serializer(string name, object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<CausalGroupsSerializer>(serializer);
        Assert.Equal(CausalGroupsSerializer.SerializerIdentifier, serializer.Identifier);

        var manifest = _serializer.Manifest(message);
        var bytes = serializer.ToBinary(message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        DeepEqual.Assert(message, back, name);
    }

    [Fact]
    public void A_payload_that_is_not_serialized_yet_goes_through_akka_serialization_once_and_stays_bytes()
    {
        var message = new DataMessage(1, 0, 1, DeliveryOrder.Fifo, VectorClock.Of(1), VectorClock.Of(0), default, [], "plain string");
        var back = (DataMessage)_serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));

        var payload = Assert.IsType<SerializedPayload>(back.Payload);
        Assert.Equal("plain string", PayloadSerialization.Deserialize(_system.Serialization, payload));
    }

    [Fact]
    public void Random_bytes_never_make_an_envelope_and_only_ever_raise_a_serialization_exception()
    {
        var random = new Random(20240601);
        string[] manifests = ["E", "J", "A", "D", "N", "G", "P", "F", "FQ", "FR", "FP", "FA", "FC", "FD", "W", "L"];
        var envelopesRejected = 0;
        for (var i = 0; i < 400; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            foreach (var manifest in manifests)
            {
                try
                {
                    var result = _serializer.FromBinary(bytes, manifest);
                    Assert.NotEqual("E", manifest); // an envelope needs a parseable sender address and messages
                    Assert.NotNull(result);
                }
                catch (SerializationException e)
                {
                    Assert.Contains(nameof(CausalGroupsSerializer), e.Message);
                    Assert.Contains($"'{manifest}'", e.Message);
                    if (manifest == "E") envelopesRejected++;
                }
            }
        }
        Assert.Equal(400, envelopesRejected);
    }

    [Fact]
    public void Truncated_bytes_and_unknown_manifests_raise_a_clear_serialization_exception()
    {
        var envelope = new GroupEnvelope(A, [Data(1), Data(2)]);
        var bytes = _serializer.ToBinary(envelope);

        var truncated = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes[..(bytes.Length / 2)], "E"));
        Assert.Contains("could not deserialize a 'E' message", truncated.Message);

        var unknown = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "no-such-manifest"));
        Assert.Contains("unknown manifest", unknown.Message);
    }

    [Fact]
    public void Semantically_invalid_fields_are_refused_with_the_field_named()
    {
        var w = new ActorCausal.Serialization.Proto.DataMessage { ViewId = 1, Sender = 0, Sequence = 1, Time = new(), Payload = new() };
        w.Clock.Add(1);
        // no acks: an empty vector clock
        var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(Google.Protobuf.MessageExtensions.ToByteArray(w), "D"));
        Assert.Contains("DataMessage.acks", e.Message);

        var safeOrderOnTheWire = new ActorCausal.Serialization.Proto.DataMessage { ViewId = 1, Sender = 0, Sequence = 1, Time = new(), Payload = new(), Order = (ActorCausal.Serialization.Proto.Order)(int)DeliveryOrder.SafeTotal };
        safeOrderOnTheWire.Clock.Add(1);
        safeOrderOnTheWire.Acks.Add(0);
        e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(Google.Protobuf.MessageExtensions.ToByteArray(safeOrderOnTheWire), "D"));
        Assert.Contains("unknown order 5", e.Message); // safety travels as its own field, never as an order

        var badAddress = new ActorCausal.Serialization.Proto.JoinRequest { Joiner = new() { Address = "not an address", Incarnation = 1 } };
        e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(Google.Protobuf.MessageExtensions.ToByteArray(badAddress), "J"));
        Assert.Contains("not an Akka node address", e.Message);
    }
}
