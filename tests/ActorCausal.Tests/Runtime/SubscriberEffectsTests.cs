using ActorCausal.Internal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="SubscriberEffects"/>: the events for suspicions and snapshots, the suspected set, and nothing to install for a stateless member.</summary>
public sealed class SubscriberEffectsTests
{
    private static readonly MemberId A = new("a", 1), B = new("b", 1), C = new("c", 1);

    [Fact]
    public void Suspicions_become_events_and_the_suspected_set_follows_them_and_the_view()
    {
        var effects = new SubscriberEffects("g", stateless: false);
        Assert.Equal(new MemberSuspected("g", B), effects.EventOf(new PeerSuspected(B)));
        effects.EventOf(new PeerSuspected(C));
        Assert.Equal(new MemberReachable("g", C), effects.EventOf(new PeerReachable(C)));
        Assert.Equal([B], effects.Suspected);

        effects.ViewInstalled(new GroupView(2, [A, C]));
        Assert.Empty(effects.Suspected);
    }

    [Fact]
    public void A_snapshot_is_installed_only_by_a_member_that_keeps_state()
    {
        var load = new LoadSnapshot(3, new byte[] { 1 });
        var installed = Assert.IsType<InstallSnapshot>(new SubscriberEffects("g", stateless: false).EventOf(load));
        Assert.Equal(("g", 3L, 1), (installed.Group, installed.ViewId, installed.Snapshot.Length));
        Assert.Null(new SubscriberEffects("g", stateless: true).EventOf(load));
        Assert.Null(new SubscriberEffects("g", stateless: false).EventOf(new AnnounceJoin()));
    }
}
