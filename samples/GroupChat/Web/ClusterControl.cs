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
    Restore,
    Slow,
    Cut,
}

/// <summary>Akka.Remote's throttler adapter (<c>applied-adapters = [trttl]</c>) between this node and a peer, both directions.</summary>
public static class LinkThrottle
{
    public static Task<bool> Set(ActorSystem system, Address peer, LinkMode mode)
    {
        ThrottleMode throttle = mode switch
        {
            LinkMode.Cut => Blackhole.Instance,
            // About 2 KB/s: a protocol message of a few hundred bytes gets through every so often.
            LinkMode.Slow => new TokenBucket(capacity: 2000, tokensPerSecond: 2000, nanoTimeOfLastSend: 0, availableTokens: 0),
            _ => Unthrottled.Instance,
        };
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Transport;
        return transport.ManagementCommand(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, throttle));
    }
}
