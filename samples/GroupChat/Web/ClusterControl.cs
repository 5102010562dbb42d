using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;

namespace GroupChat.Web;

/// <summary>What the page's controls act on: the nodes of the in-process cluster (absent when this process is one node of a real cluster).</summary>
public interface IClusterControl
{
    IReadOnlyList<ChatNode> Nodes { get; }
    ChatNode? Find(string name);
}

public enum LinkMode
{
    /// <summary>Back to normal, both directions.</summary>
    Restore,
    /// <summary>About 2 KB/s both ways: a protocol message of a few hundred bytes gets through every so often.</summary>
    Slow,
    /// <summary>This node's sends to the peer wait (Akka's endpoint writer keeps them, in order) until the link is restored.</summary>
    Stall,
    /// <summary>A blackhole, both directions: everything is dropped (the failure detector notices; gaps are repaired later).</summary>
    Cut,
}

/// <summary>Akka.Remote's throttler adapter (<c>applied-adapters = [trttl]</c>) between this node and a peer.</summary>
public static class LinkThrottle
{
    public static Task<bool> Set(ActorSystem system, Address peer, LinkMode mode)
    {
        var (throttle, direction) = mode switch
        {
            LinkMode.Cut => ((ThrottleMode)Blackhole.Instance, ThrottleTransportAdapter.Direction.Both),
            LinkMode.Slow => (new TokenBucket(capacity: 2000, tokensPerSecond: 2000, nanoTimeOfLastSend: 0, availableTokens: 0), ThrottleTransportAdapter.Direction.Both),
            LinkMode.Stall => (new TokenBucket(capacity: 1, tokensPerSecond: 1, nanoTimeOfLastSend: 0, availableTokens: 0), ThrottleTransportAdapter.Direction.Send),
            _ => (Unthrottled.Instance, ThrottleTransportAdapter.Direction.Both),
        };
        return Transport(system).ManagementCommand(new SetThrottle(peer, direction, throttle));
    }

    public static RemoteTransport Transport(ActorSystem system) => ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;
}
