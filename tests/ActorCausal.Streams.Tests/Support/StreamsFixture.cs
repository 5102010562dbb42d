using Akka.Actor;
using Akka.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>One local ActorSystem and materializer for the merge tests of a class.</summary>
public sealed class StreamsFixture : IDisposable
{
    public StreamsFixture()
    {
        System = ActorSystem.Create("merge-tests", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        Materializer = System.Materializer();
    }

    public ActorSystem System { get; }

    public IMaterializer Materializer { get; }

    public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(10));
}
