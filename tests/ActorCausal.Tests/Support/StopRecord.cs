using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Tests.Support;

/// <summary>
/// How the recorders (RecordingSubscriber in process, HostProcess from a test host's log) turn a GroupStopped into a
/// history event: the protocol's stops (left, downed, excluded from a view, merged) as a StopEvent, anything else (the
/// runtime's Failed, or a reason this code does not know) as a FailedEvent, which the checker reports unless the test
/// caused it. One mapping, by the reason's name, so that a new GroupStopReason cannot pass for an exclusion.
/// </summary>
public static class StopRecord
{
    public static HistoryEvent Of(string reason, string detail) => reason switch
    {
        nameof(GroupStopReason.Left) => new StopEvent(StopReason.Left, detail),
        nameof(GroupStopReason.Downed) => new StopEvent(StopReason.Downed, detail),
        nameof(GroupStopReason.ExcludedFromView) => new StopEvent(StopReason.ExcludedFromView, detail),
        _ => new FailedEvent(reason, detail),
    };
}
