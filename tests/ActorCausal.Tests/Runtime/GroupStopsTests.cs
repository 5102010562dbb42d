using ActorCausal.Internal;
using ActorCausal.Protocol.Membership;
using P = ActorCausal.Protocol;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="GroupStops"/>: the protocol's stop reasons as the application's, and an actor that ended first.</summary>
public sealed class GroupStopsTests
{
    [Fact]
    public void The_protocols_stop_keeps_its_detail_and_maps_its_reason()
    {
        Assert.Equal(new GroupStopped("g", GroupStopReason.Left, "bye"), GroupStops.FromProtocol("g", new P.Stopped(StopReason.Left, "bye")));
        Assert.Equal(GroupStopReason.Downed, GroupStops.FromProtocol("g", new P.Stopped(StopReason.Downed, "")).Reason);
        Assert.Equal(GroupStopReason.ExcludedFromView, GroupStops.FromProtocol("g", new P.Stopped(StopReason.ExcludedFromView, "")).Reason);
    }

    [Fact]
    public void An_actor_that_ended_before_its_member_is_Failed_and_names_the_exception()
    {
        Assert.Equal(GroupStopReason.Failed, GroupStops.ActorEnded("g", null).Reason);
        Assert.Contains("InvalidOperationException: broken", GroupStops.ActorEnded("g", new InvalidOperationException("broken")).Detail);
    }
}
