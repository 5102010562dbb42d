using ActorCausal.Protocol.Membership;
using P = ActorCausal.Protocol;

namespace ActorCausal.Internal;

/// <summary>The <see cref="GroupStopped"/> the subscriber and the handle get: from the protocol's stop, or for an actor that ended without one.</summary>
internal static class GroupStops
{
    public static GroupStopped FromProtocol(string group, P.Stopped stopped) => new(group, stopped.Reason switch
    {
        StopReason.Left => GroupStopReason.Left,
        StopReason.Downed => GroupStopReason.Downed,
        _ => GroupStopReason.ExcludedFromView,
    }, stopped.Detail);

    /// <summary>The actor stopped before its member did: the system shut down, the actor was stopped, or it failed with <paramref name="failure"/>.</summary>
    public static GroupStopped ActorEnded(string group, Exception? failure) => new(group, GroupStopReason.Failed, failure is null
        ? "The group actor stopped before the member left (the actor system is shutting down, or the actor was stopped)."
        : $"The group actor failed: {failure.GetType().Name}: {failure.Message}");
}
