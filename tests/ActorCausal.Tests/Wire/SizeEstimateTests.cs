using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// The group actor decides from its size estimate which messages to measure for chunked transfer (estimate at least
/// half a piece) and when to close a batch: the estimate must never fall short of the serialized size, or a large
/// message could leave unchunked and be dropped as larger than Akka's frame.
/// </summary>
public sealed class SizeEstimateTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("estimates", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static readonly MemberId A = new("akka.tcp://sys@127.0.0.1:4001", 11);

    private static DataMessage Data(int size, long seq, int payloadBytes) =>
        new(7, 1, seq, DeliveryOrder.Total, VectorClock.Of([.. Enumerable.Range(0, size).Select(k => (long)k * 1_000_003)]),
            VectorClock.Of([.. Enumerable.Range(0, size).Select(k => (long)k * 999_983)]), new HlcTimestamp(1_700_000_000_123, 4), [],
            new SerializedPayload(12, "Some.Manifest, Assembly", new byte[payloadBytes]));

    public static TheoryData<string, ProtocolMessage> Large()
    {
        var many = Enumerable.Range(1, 2_000).Select(i => Data(5, i, 16)).ToImmutableArray();
        var members = Enumerable.Range(0, 500).Select(i => new MemberId($"akka.tcp://a-long-system-name@10.0.{i / 250}.{i % 250}:40{i % 100:00}", i * 7919L)).ToImmutableArray();
        var decision = new FlushDecision(7, 8, members, [.. Enumerable.Range(0, 5).Select(i => 2_000L)], many,
            [.. many.Select(m => new KnownFinal(m.Id, new Priority(m.Sequence * 1_000, 3)))]);
        return new()
        {
            { "data with a large payload", Data(5, 1, 200_000) },
            { "data in a large view", Data(3_000, 1, 16) },
            { "proposal batch", new ProposalBatch(7, [.. many.Select(m => new ProposedPriority(m.Id, new Priority(m.Sequence * 1_000_000, 4)))]) },
            { "gossip in a large view", new StabilityGossip(7, VectorClock.Of([.. Enumerable.Range(0, 5_000).Select(k => (long)k * 1_000_003)])) },
            { "flush request", new FlushRequest(7, new FlushRound(3, 0), members) },
            { "flush report", new FlushReport(7, new FlushRound(3, 0), VectorClock.Of(1_000_000, 2, 3, 4, 5), many, [.. decision.TotalOrder], new FlushRound(2, 0), decision) },
            { "flush prepare", new FlushPrepare(7, new FlushRound(3, 0), decision) },
            { "flush commit", new FlushCommit(7, new FlushRound(3, 0), decision) },
            { "welcome", new Welcome(8, members, [A], new byte[300_000]) },
        };
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void The_size_estimate_is_never_below_the_serialized_size(string name, ProtocolMessage message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        var actual = serializer.ToBinary(message).Length;
        var estimate = WireTypes.EstimateBytes(message);
        Assert.True(estimate >= actual, $"{name}: estimated {estimate} bytes, serialized {actual}");
    }
}
