using System.Runtime.Serialization;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;
using ActorCausal.Serialization;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using CsCheck;
using Google.Protobuf;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Tests.Wire;

using static CompactEnvelopeTests;

/// <summary>
/// The delta envelope (manifest "E3", written under <c>actorcausal.batching.compact-envelopes</c>): the compact form
/// with each data message's ids, order and time as changes against the previous data message of the envelope, its
/// clock against the previous clock with the own entry set to the sequence, and its acks against its own clock with the
/// own entry one less. Random envelopes read back exactly; the encoding is the one docs/protocol.md describes;
/// malformed forms give the serializer's error and are counted.
/// </summary>
public sealed class DeltaEnvelopeTests() : WireRoundTrip("delta")
{
    private static DataMessage Data(int sender, long seq, long[] clock, long[] acks, SerializedPayload payload) =>
        new(7, sender, seq, DeliveryOrder.Causal, VectorClock.Of(clock), VectorClock.Of(acks), new HlcTimestamp(1_700_000_000_000 + seq, (int)(seq % 3)), [], payload);

    // Four broadcasts of member 1: the own entry grows by one; then entry 2 jumps by 40 while the acks catch up on entry 0;
    // then entry 0 jumps while the acks stay.
    private static readonly GroupEnvelope DeltaSample = new(From,
    [
        Data(1, 5, [3, 5, 100], [3, 4, 100], Post),
        new Nak(7, 2, 5, 9),
        Data(1, 6, [3, 6, 100], [3, 5, 100], Post),
        Data(1, 7, [3, 7, 140], [4, 6, 100], Bytes16),
        Data(1, 8, [50, 8, 140], [4, 6, 100], Bytes16),
    ]);

    [Fact]
    public async Task By_default_an_envelope_is_written_in_the_delta_form_and_the_setting_off_writes_the_full_form()
    {
        var envelope = DeltaSample;
        Assert.Equal("E3", Serializer.Manifest(envelope));
        var off = ActorSystem.Create("full", ConfigurationFactory.ParseString("actorcausal.batching.compact-envelopes = off").WithFallback(CausalGroups.DefaultConfig()));
        try
        {
            var full = new CausalGroupsSerializer((ExtendedActorSystem)off);
            Assert.Equal("E", full.Manifest(envelope));
            // Either node reads the other's form (a node of a version before "E3" reads only "E" and "E2").
            DeepEqual.Assert(envelope, Serializer.FromBinary(full.ToBinary(envelope), "E"));
            DeepEqual.Assert(envelope, full.FromBinary(Serializer.ToBinary(envelope), "E3"));
        }
        finally
        {
            await off.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void Later_data_messages_carry_only_what_changed()
    {
        var w = W.GroupEnvelope.Parser.ParseFrom(Serializer.ToBinary(DeltaSample));
        var data = w.Messages.Where(m => m.KindCase == W.ProtocolMessage.KindOneofCase.Data).Select(m => m.Data).ToList();

        // The first: ids and time against zeros, the clock in full, the acks equal to the clock with the own entry one less.
        Assert.Equal((7L, 1, 5L, 1, 1_700_000_000_005L, 2), (data[0].ViewDelta, data[0].SenderDelta, data[0].SequenceDelta, data[0].OrderDelta, data[0].WallDelta, data[0].LogicalDelta));
        Assert.Equal(new long[] { 3, 5, 100 }, data[0].Clock);
        Assert.Empty(data[0].AcksDelta);
        Assert.Empty(data[0].Acks);
        // The next broadcast of the same sender: nothing but the time's change (wall +1, logical 2 -> 0).
        Assert.Equal((0L, 0, 0L, 0, 1L, -2), (data[1].ViewDelta, data[1].SenderDelta, data[1].SequenceDelta, data[1].OrderDelta, data[1].WallDelta, data[1].LogicalDelta));
        Assert.Empty(data[1].Clock);
        Assert.Empty(data[1].ClockDelta);
        Assert.Empty(data[1].AcksDelta);
        // Entry 2 of the clock jumped by 40; the acks differ from [3, 6, 140] in entries 0 (+1) and 2 (-40).
        Assert.Equal(new long[] { 2, 40 }, data[2].ClockDelta);
        Assert.Equal(new long[] { 0, 1, 2, -40 }, data[2].AcksDelta);
        Assert.False(data[2].AcksAgainstPrevious);
        // Entry 0 jumped too, the acks stayed: against the previous acks nothing changed, against the clock three entries.
        Assert.Equal(new long[] { 0, 47 }, data[3].ClockDelta);
        Assert.True(data[3].AcksAgainstPrevious);
        Assert.Empty(data[3].AcksDelta);
        Assert.All(data, d => Assert.True(d.ViewId == 0 && d.Sender == 0 && d.Sequence == 0 && d.Time is null && d.Payload.SerializerId == 0));
        Assert.Equal(new uint[] { 0, 0, 1, 1 }, data.Select(d => d.Payload.Type));
        DeepEqual.Assert(DeltaSample, Serializer.FromBinary(w.ToByteArray(), "E3"));
    }

    [Fact]
    public void A_data_message_of_another_dimension_starts_its_clock_over_in_full()
    {
        var envelope = new GroupEnvelope(From, [Data(1, 5, [3, 5, 100], [3, 4, 100], Bytes16), Data(0, 1, [1, 0], [0, 0], Bytes16) with { ViewId = 8 }]);
        var second = W.GroupEnvelope.Parser.ParseFrom(Serializer.ToBinary(envelope)).Messages[1].Data;
        Assert.Equal(new long[] { 1, 0 }, second.Clock);
        Assert.Empty(second.AcksDelta);
        Assert.Equal((1L, -1, -5L), (second.ViewDelta, second.SenderDelta, second.SequenceDelta));
        DeepEqual.Assert(envelope, Serializer.FromBinary(Serializer.ToBinary(envelope), "E3"));
    }

    /// <summary>Any ids, time, order and dependencies, including the extremes of their types and senders outside the clock.</summary>
    private static readonly Gen<Func<DataMessage, DataMessage>> AnyNumbers =
        Gen.Select(Gen.Long[0, long.MaxValue], Gen.Int[0, 45], Gen.Long, Gen.Long, Gen.Int, Gen.Int[0, 3], Gen.Long[1, 9].Array[0, 2])
            .Select<long, int, long, long, int, int, long[], Func<DataMessage, DataMessage>>((view, sender, seq, wall, logical, order, deps) => d => d with
            {
                ViewId = view, Sender = sender, Sequence = seq, Time = new HlcTimestamp(wall, logical), Order = (DeliveryOrder)order,
                DependsOn = [.. deps.Select(n => new MessageId(n, (int)n, n * 3))],
            });

    /// <summary>Gossip with a held vector: a little above delivered, or of another dimension.</summary>
    private static ProtocolMessage WithHeld(ProtocolMessage m, int i) => m is StabilityGossip g && i % 3 != 0
        ? g with { Held = VectorClock.Of([.. g.Delivered.AsSpan().ToArray().Select((v, k) => v + k % 3), .. i % 3 == 2 ? new long[] { 5 } : []]) }
        : m;

    private static readonly Gen<GroupEnvelope> Mixed =
        Gen.Select(CompactEnvelopeTests.Envelopes, AnyNumbers.Array[0, 6], Gen.Int[1, 7]).Select((envelope, changes, stride) =>
            new GroupEnvelope(envelope.From, [.. envelope.Messages.Select((m, i) =>
                m is DataMessage d && i % stride == 0 && i / stride < changes.Length ? changes[i / stride](d) : WithHeld(m, i))]));

    [Fact]
    public void Gossip_after_a_data_message_carries_what_changed_since_its_acks_and_held_against_delivered()
    {
        var envelope = new GroupEnvelope(From,
        [
            new StabilityGossip(7, VectorClock.Of(3, 4, 100)) { Held = VectorClock.Of(3, 5, 100) },
            Data(1, 5, [3, 5, 100], [3, 4, 100], Bytes16),
            new StabilityGossip(7, VectorClock.Of(3, 5, 120)),
            new StabilityGossip(7, VectorClock.Of(3, 5, 120, 1)) { Held = VectorClock.Of(1, 2) },
        ]);
        var w = W.GroupEnvelope.Parser.ParseFrom(Serializer.ToBinary(envelope));
        var (alone, after, other) = (w.Messages[0].Gossip, w.Messages[2].Gossip, w.Messages[3].Gossip);
        Assert.Equal(new long[] { 3, 4, 100 }, alone.Delivered);
        Assert.True(alone.HeldFromDelivered);
        Assert.Equal(new long[] { 1, 1 }, alone.HeldDelta);
        Assert.Empty(after.Delivered);
        Assert.Equal(new long[] { 1, 1, 2, 20 }, after.DeliveredDelta);
        Assert.False(after.HeldFromDelivered);
        Assert.Empty(after.Held);
        // Another dimension than the data message's acks (and held another than delivered): in full.
        Assert.Equal(new long[] { 3, 5, 120, 1 }, other.Delivered);
        Assert.Equal(new long[] { 1, 2 }, other.Held);
        DeepEqual.Assert(envelope, Serializer.FromBinary(w.ToByteArray(), "E3"));
    }

    [Fact]
    public void Random_envelopes_read_back_exactly()
    {
        SeededSample.Check(Gen.Frequency((1, CompactEnvelopeTests.Envelopes), (1, Mixed)), envelope =>
        {
            DeepEqual.Assert(envelope, Serializer.FromBinary(Serializer.ToBinary(envelope), "E3"));
            return true;
        }, firstSeed: 161_300, iterations: 2_000, print: e => $"{e.Messages.Length} messages: {string.Join(", ", e.Messages.Take(6))}");
    }

    private static readonly string GoldenFile = Path.Combine(Repo.Root, "tests", "ActorCausal.Tests", "Wire", "wire-goldens-delta.txt");

    /// <summary>As the other golden tests: regenerate only for a deliberate wire change (ACTORCAUSAL_WRITE_WIRE_GOLDENS=1).</summary>
    [Fact]
    public void Delta_envelopes_serialize_to_the_captured_bytes_which_read_back_as_the_samples()
    {
        List<(string Name, object Message)> samples = [.. CompactEnvelopeTests.GoldenSamples(), ("envelope-of-consecutive-broadcasts", DeltaSample)];
        var lines = samples.Select(s => $"{s.Name}\t{Serializer.Manifest(s.Message)}\t-\t{Convert.ToHexString(Serializer.ToBinary(s.Message))}").ToList();
        if (Environment.GetEnvironmentVariable("ACTORCAUSAL_WRITE_WIRE_GOLDENS") == "1")
            File.WriteAllText(GoldenFile, string.Join("\n", lines) + "\n", new System.Text.UTF8Encoding(false));
        var golden = File.ReadAllLines(GoldenFile).Where(l => l.Length > 0).ToList();
        Assert.Equal(golden, lines);
        var byName = samples.ToDictionary(s => s.Name, s => s.Message);
        foreach (var fields in golden.Select(l => l.Split('\t')))
            DeepEqual.Assert(byName[fields[0]], Serializer.FromBinary(Convert.FromHexString(fields[3]), fields[1]), fields[0]);
    }

    // A valid first message (view 7, sender 1, sequence 1, clock [1, 1, 3] in full, acks [1, 0, 3] with entry 2 -2) and
    // a valid second one (sequence 2: clock [1, 2, 3], acks [1, 1, 3], no deltas), each then broken one way.
    private static W.DataMessage First() =>
        new() { ViewDelta = 7, SenderDelta = 1, SequenceDelta = 1, OrderDelta = 1, WallDelta = 1, Payload = new W.Payload(), Clock = { 1, 1, 3 }, AcksDelta = { 2, -2 } };

    private static W.DataMessage Second() => new() { Payload = new W.Payload() };

    private static byte[] Gossip(W.StabilityGossip gossip, W.DataMessage? before = null)
    {
        var w = W.GroupEnvelope.Parser.ParseFrom(before is null ? Frame(First()) : Frame(before));
        if (before is null) w.Messages.Clear();
        w.Messages.Add(new W.ProtocolMessage { Gossip = gossip });
        return w.ToByteArray();
    }

    public static TheoryData<string, byte[], string> Malformed() => new()
    {
        { "clock delta without base", Frame(First().Also(d => d.Clock.Clear())), "no earlier data message" },
        { "ids in full", Frame(First().Also(d => d.ViewId = 7)), "ids, order or time in full" },
        { "time in full", Frame(First(), Second().Also(d => d.Time = new W.Hlc { WallMs = 1 })), "ids, order or time in full" },
        { "clock in full and as delta", Frame(First(), Second().Also(d => { d.Clock.Add(new long[] { 1, 2, 3 }); d.ClockDelta.Add(new long[] { 0, 1 }); })), "clock both in full and as a delta" },
        { "acks in full and as delta", Frame(First().Also(d => d.Acks.Add(new long[] { 1, 0, 1 }))), "acks both in full and as a delta" },
        { "unknown order", Frame(First(), Second().Also(d => d.OrderDelta = 5)), "unknown order 6" },
        { "negative view", Frame(First(), Second().Also(d => d.ViewDelta = -8)), "negative view id (-1)" },
        { "clock made negative", Frame(First(), Second().Also(d => d.ClockDelta.Add(new long[] { 0, -5 }))), "clock makes entry 0 negative (-4)" },
        { "acks against a previous message that is not there", Frame(First().Also(d => d.AcksAgainstPrevious = true)), "but there is none" },
        { "acks in full against the previous acks", Frame(First(), Second().Also(d => { d.AcksAgainstPrevious = true; d.Acks.Add(new long[] { 1, 1, 3 }); })), "acks both in full and as a delta" },
        { "gossip delta without base", Gossip(new W.StabilityGossip { ViewId = 7, DeliveredDelta = { 0, 1 } }), "Gossip 0 of the envelope has delivered as a delta but no earlier data message or gossip" },
        { "gossip in full and as delta", Gossip(new W.StabilityGossip { ViewId = 7, Delivered = { 1, 2 }, DeliveredDelta = { 0, 1 } }), "delivered both in full and as a delta" },
        { "held delta without its flag", Gossip(new W.StabilityGossip { ViewId = 7, Delivered = { 1, 2 }, HeldDelta = { 0, 1 } }), "held delta without held_from_delivered" },
        { "held in full and as delta", Gossip(new W.StabilityGossip { ViewId = 7, Delivered = { 1, 2 }, Held = { 1, 2 }, HeldFromDelivered = true }), "held both in full and as a delta" },
        { "gossip delta out of range", Gossip(new W.StabilityGossip { ViewId = 7, DeliveredDelta = { 3, 1 } }, First()), "Gossip 1's delivered changes index 3 of a 3-entry vector" },
        { "acks index out of range", Frame(First().Also(d => d.AcksDelta.Add(new long[] { 3, 1 }))), "index 3 of a 3-entry vector" },
        { "acks made negative", Frame(First().Also(d => d.AcksDelta[1] = -5)), "entry 2 negative (-2)" },
        { "payload type out of range", Frame(First().Also(d => d.Payload.Type = 1)), "payload type 1 of a table of 1" },
        { "payload serializer in the message", Frame(First().Also(d => d.Payload.SerializerId = 4)), "belongs in the envelope's table" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_delta_envelopes_give_theSerializers_error_and_are_counted(string name, byte[] frame, string expected)
    {
        var before = Serializer.MalformedFrames;
        var e = Assert.Throws<SerializationException>(() => Serializer.FromBinary(frame, "E3"));
        Assert.Contains("'E3'", e.Message);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");
        Assert.Equal(before + 1, Serializer.MalformedFrames);
    }

    [Fact]
    public void The_valid_frame_the_malformed_ones_are_made_from_reads()
    {
        var back = (GroupEnvelope)Serializer.FromBinary(Frame(First(), Second()), "E3");
        var (first, second) = ((DataMessage)back.Messages[0], (DataMessage)back.Messages[1]);
        Assert.Equal((new MessageId(7, 1, 1), VectorClock.Of(1, 1, 3), VectorClock.Of(1, 0, 1)), (first.Id, first.Clock, first.Acks));
        Assert.Equal((new MessageId(7, 1, 2), VectorClock.Of(1, 2, 3), VectorClock.Of(1, 1, 3)), (second.Id, second.Clock, second.Acks));
        Assert.Equal(new HlcTimestamp(1, 0), second.Time);
    }
}
