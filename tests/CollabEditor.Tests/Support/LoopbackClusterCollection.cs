namespace CollabEditor.Tests.Support;

/// <summary>
/// The tests that start loopback clusters run one at a time: in parallel on two cores, a trace replay at full speed next
/// to another cluster starved the other's heartbeats, the split-brain resolver downed a node, and that replay never
/// converged.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LoopbackClusterCollection
{
    public const string Name = "loopback clusters";
}
