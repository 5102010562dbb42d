using ActorCausal.Protocol.Messages;
using ActorCausal.Serialization;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests.Wire;

/// <summary>A test class that round-trips protocol messages through the real serializer of its own ActorSystem.</summary>
public abstract class WireRoundTrip : IDisposable
{
    private readonly ActorSystem _system;

    protected WireRoundTrip(string systemName)
    {
        _system = ActorSystem.Create(systemName, ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(CausalGroups.DefaultConfig()));
        Serializer = new CausalGroupsSerializer((ExtendedActorSystem)_system);
    }

    protected CausalGroupsSerializer Serializer { get; }

    public void Dispose()
    {
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
        GC.SuppressFinalize(this);
    }

    protected T RoundTrip<T>(T message) where T : ProtocolMessage =>
        (T)Serializer.FromBinary(Serializer.ToBinary(message), Serializer.Manifest(message));
}
