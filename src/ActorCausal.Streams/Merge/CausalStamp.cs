using Akka;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>Flows for producers: stamp each element before it is written to a partition.</summary>
public static class CausalStamp
{
    /// <summary>Stamps each element with <paramref name="clock"/>: it depends on everything the producer observed before it.</summary>
    public static Flow<T, Stamped<T>, NotUsed> Create<T>(CausalClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Flow.Create<T>().Select(clock.Stamp);
    }

    /// <summary>Stamps each element with the explicit dependencies <paramref name="dependsOn"/> gives for it (plus FIFO per producer).</summary>
    public static Flow<T, Stamped<T>, NotUsed> Explicit<T>(CausalClock clock, Func<T, IEnumerable<CausalId>> dependsOn)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(dependsOn);
        return Flow.Create<T>().Select(v => clock.Stamp(v, dependsOn(v)));
    }
}
