using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorCausal.Hosting;

/// <summary>
/// The groups joined at start-up by <see cref="CausalGroupsHostingExtensions.WithCausalGroup{TSubscriber}"/>, by name:
/// <c>HostedCausalGroups.Get(system).Group("chat")</c>.
/// </summary>
public sealed class HostedCausalGroups : IExtension
{
    private readonly ConcurrentDictionary<string, CausalGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>The registry of <paramref name="system"/>.</summary>
    public static HostedCausalGroups Get(ActorSystem system) => system.WithExtension<HostedCausalGroups, HostedCausalGroupsProvider>();

    /// <summary>The names of the groups joined at start-up.</summary>
    public IReadOnlyCollection<string> Names => _groups.Keys.ToArray();

    /// <summary>The handle of <paramref name="group"/>, joined at start-up; throws if it was not.</summary>
    public CausalGroup Group(string group) =>
        TryGetGroup(group, out var handle)
            ? handle
            : throw new KeyNotFoundException($"Group '{group}' was not joined at start-up (WithCausalGroup).");

    /// <summary>The handle of <paramref name="group"/> if it was joined at start-up.</summary>
    public bool TryGetGroup(string group, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out CausalGroup handle) =>
        _groups.TryGetValue(group, out handle);

    internal void Add(CausalGroup handle)
    {
        if (!_groups.TryAdd(handle.Name, handle))
            throw new InvalidOperationException($"Group '{handle.Name}' is joined at start-up twice.");
    }
}

/// <summary>Creates the <see cref="HostedCausalGroups"/> extension.</summary>
public sealed class HostedCausalGroupsProvider : ExtensionIdProvider<HostedCausalGroups>
{
    /// <inheritdoc />
    public override HostedCausalGroups CreateExtension(ExtendedActorSystem system) => new();
}
