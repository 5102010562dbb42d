using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>
/// A group as a source: materializing it joins the group on this node; it emits the member's events in the member's
/// order (<see cref="Delivered"/>, <see cref="ViewChanged"/>, <see cref="MemberSuspected"/>, ...,
/// <see cref="GroupStopped"/> last). Cancelling it leaves the group.
/// </summary>
public static class CausalGroupSource
{
    /// <summary>
    /// Joins <paramref name="group"/> when materialized (the ActorSystem is the materializer's; its cluster node must be
    /// or become Up). The materialized <see cref="CausalGroupMember"/> broadcasts (see <see cref="CausalGroupFlow"/>)
    /// and says when the member is admitted. Events wait for demand in a buffer of
    /// <see cref="CausalGroupSourceSettings.BufferSize"/> (or the stream's <see cref="Akka.Streams.Attributes.InputBuffer"/>
    /// max, when given); on demand the group waits for it, otherwise past it the source fails and the member leaves
    /// (nothing is dropped). The materialized task completes with the member once the stage started its join. The source completes when the member leaves and fails when it is downed, excluded or fails.
    /// </summary>
    public static Source<IGroupEvent, Task<CausalGroupMember>> Join(string group, CausalGroupSourceSettings? settings = null) =>
        Source.FromGraph(new CausalGroupSourceStage(group, settings ?? CausalGroupSourceSettings.Default));

    /// <summary>As <see cref="Join"/>, emitting only the deliveries.</summary>
    public static Source<Delivered, Task<CausalGroupMember>> Deliveries(string group, CausalGroupSourceSettings? settings = null) =>
        Join(group, settings).Where(e => e is Delivered).Select(e => (Delivered)e);
}
