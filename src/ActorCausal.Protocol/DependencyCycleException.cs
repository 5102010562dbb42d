using System.Collections.Immutable;

namespace ActorCausal.Protocol;

/// <summary>Explicit dependencies that form a cycle: none of the messages involved could ever be delivered.</summary>
public sealed class DependencyCycleException(ImmutableArray<MessageId> cycle)
    : Exception($"Explicit dependencies form a cycle: {string.Join(" -> ", cycle)}.")
{
    /// <summary>The messages of the cycle, in dependency order.</summary>
    public ImmutableArray<MessageId> Cycle { get; } = cycle;
}
