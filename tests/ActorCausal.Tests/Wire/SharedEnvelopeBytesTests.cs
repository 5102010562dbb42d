using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests.Wire;

/// <summary>An envelope the group actor sends to several members is serialized once; any other envelope each time.</summary>
public sealed class SharedEnvelopeBytesTests : IDisposable
{
    private static readonly MemberId From = new("akka.tcp://sys@127.0.0.1:4001", 11);

    private readonly ActorSystem _system = ActorSystem.Create("shared-bytes",
        ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static GroupEnvelope Envelope(long seq) => new(From,
    [
        new DataMessage(7, 1, seq, DeliveryOrder.Causal, VectorClock.Of(3, seq, 0), VectorClock.Of(2, seq - 1, 0),
            new HlcTimestamp(1_700_000_000_123, 4), [], new SerializedPayload(1, "M", new byte[] { 1, 2, 3 })),
    ]);

    [Fact]
    public void A_shared_envelope_is_serialized_once_and_reads_back_like_any_other()
    {
        var serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);
        var shared = Envelope(5);
        SharedEnvelopeBytes.MarkShared(shared);

        var first = serializer.ToBinary(shared);
        var second = serializer.ToBinary(shared);
        Assert.Same(first, second);
        Assert.Equal(serializer.ToBinary(Envelope(5)), first);
        var read = (GroupEnvelope)serializer.FromBinary(first, serializer.Manifest(shared));
        Assert.Equal(new MessageId(7, 1, 5), ((DataMessage)read.Messages.Single()).Id);

        var plain = Envelope(6);
        Assert.NotSame(serializer.ToBinary(plain), serializer.ToBinary(plain));
    }
}
