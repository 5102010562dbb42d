using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;

namespace ActorCausal.Tests.Support;

/// <summary>Akka.Remote's throttler between two nodes (their config must apply the <c>trttl</c> adapter).</summary>
public static class Links
{
    /// <summary>
    /// For a group split at start-up by a blackhole and merged when it lifts: the throttler applied, a long acceptable
    /// pause (the blackhole must lose the announcements, not get a node downed), short founding delay and merge interval.
    /// </summary>
    public const string SplitAtStartUpConfig = """
        akka.remote.dot-netty.tcp.applied-adapters = [trttl, gremlin]
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s
        actorcausal.founding-delay = 300ms
        actorcausal.merge-interval = 500ms
        """;

    public static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;

    /// <summary>Sets <paramref name="mode"/> (a blackhole, or unthrottled) on the link between a and b, both ways, on both ends.</summary>
    public static async Task SetBothWays(ActorSystem a, ActorSystem b, ThrottleMode mode)
    {
        Assert.True(await Transport(a).ManagementCommand(new SetThrottle(Cluster.Get(b).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode)));
        Assert.True(await Transport(b).ManagementCommand(new SetThrottle(Cluster.Get(a).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode)));
    }
}
