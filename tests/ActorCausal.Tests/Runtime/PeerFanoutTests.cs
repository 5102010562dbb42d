using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="PeerFanout"/>: one copy per addressed member, never to this one through SendToAll, each copy to another member counted.</summary>
public sealed class PeerFanoutTests
{
    private static readonly MemberId A = new("a", 1), B = new("b", 1), C = new("c", 1);
    private static readonly ProtocolMessage Gossip = new StabilityGossip(1, VectorClock.Zero(3));
    private readonly PeerFanout _fanout = new();
    private readonly List<(MemberId To, ProtocolMessage Message)> _queued = new();

    [Fact]
    public void SendToAll_goes_to_every_other_member_of_the_view_and_counts_the_copies()
    {
        _fanout.Route(new SendToAll(Gossip), A, [A, B, C], (to, m) => _queued.Add((to, m)));

        Assert.Equal([B, C], _queued.Select(q => q.To));
        Assert.Equal(2, _fanout.SentByKind.Snapshot()[ProtocolMessageKind.Gossip]);
    }

    [Fact]
    public void Send_goes_to_its_member_and_counts_unless_it_is_this_one()
    {
        _fanout.Route(new Send(B, Gossip), A, [A, B, C], (to, m) => _queued.Add((to, m)));
        _fanout.Route(new Send(A, Gossip), A, [A, B, C], (to, m) => _queued.Add((to, m)));

        Assert.Equal([B, A], _queued.Select(q => q.To));
        Assert.Equal(1, _fanout.SentByKind.Snapshot()[ProtocolMessageKind.StabilityReport]);
        Assert.Throws<ArgumentException>(() => _fanout.Route(new PeerSuspected(B), A, [A, B], (_, _) => { }));
    }
}
