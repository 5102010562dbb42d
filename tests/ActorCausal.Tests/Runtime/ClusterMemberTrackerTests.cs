using System.Collections.Immutable;
using System.Reflection;
using ActorCausal.Internal;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster;
using Akka.Util;

namespace ActorCausal.Tests.Runtime;

/// <summary><see cref="ClusterMemberTracker"/> without an actor system: Up nodes, members on a node, a node gone, a node restarted. (Unreachability is not tracked here: the protocol judges it, the actor hands it the members on the node.)</summary>
public sealed class ClusterMemberTrackerTests
{
    // Akka.Cluster's Member has no public constructor; its internal factory is the one the cluster itself uses.
    private static readonly MethodInfo CreateMember = typeof(Member).GetMethod("Create", BindingFlags.NonPublic | BindingFlags.Static,
        [typeof(UniqueAddress), typeof(int), typeof(MemberStatus), typeof(ImmutableHashSet<string>), typeof(AppVersion)])!;

    internal static Member Node(int port, int uid, int upNumber) =>
        (Member)CreateMember.Invoke(null, [new UniqueAddress(new Address("akka.tcp", "sys", "127.0.0.1", port), uid), upNumber, MemberStatus.Up, ImmutableHashSet<string>.Empty, AppVersion.Zero])!;

    /// <summary>A group member on <paramref name="node"/>: its uid in the low half of the incarnation, the join count above (GroupIncarnation).</summary>
    internal static MemberId On(Member node, int joinCount) => new(node.Address.ToString(), ((long)joinCount << 32) | (uint)node.UniqueAddress.Uid);

    private static readonly Member Self = Node(4001, 11, 1);
    private static readonly Member Other = Node(4002, 22, 2);
    private static readonly Member Third = Node(4003, 33, 3);

    private readonly ClusterMemberTracker _tracker = new(Self.UniqueAddress);

    [Fact]
    public void Up_nodes_are_tracked_with_this_node_apart()
    {
        Assert.Null(_tracker.SelfMember);
        _tracker.Up(Other);
        _tracker.Up(Self);
        _tracker.Up(Third);

        Assert.Same(Self, _tracker.SelfMember);
        Assert.Equal([Other, Third], _tracker.OthersUp.OrderBy(m => m.Address.Port));
        _tracker.NotUp(Other);
        Assert.Equal([Third], _tracker.OthersUp);
    }

    [Fact]
    public void A_joiner_is_found_Up_only_on_its_own_node_incarnation()
    {
        _tracker.Up(Other);
        var joiner = On(Other, 1);
        Assert.Same(Other, _tracker.UpMember(joiner));

        var restarted = Node(4002, 99, 4); // same address, new uid: another node
        Assert.Null(_tracker.UpMember(On(restarted, 1)));
        Assert.Null(_tracker.UpMember(new MemberId("not an address", 1)));
        _tracker.NotUp(Other);
        Assert.Null(_tracker.UpMember(joiner));
    }

    [Fact]
    public void The_members_on_a_node_are_those_heard_of_and_in_the_view_with_its_address_and_uid()
    {
        var first = On(Other, 1);
        var second = On(Other, 2);           // the node's group joined again: a second incarnation
        var elsewhere = On(Third, 1);
        var beforeRestart = On(Node(4002, 7, 9), 1);
        _tracker.Know(second);
        _tracker.Know(beforeRestart);

        var onOther = _tracker.MembersOn(Other, [first, elsewhere]);

        Assert.Equal([first, second], onOther.OrderBy(m => m.Incarnation));
        Assert.Equal([elsewhere], _tracker.MembersOn(Third, []));
    }

    [Fact]
    public void A_removed_node_is_no_longer_Up_and_its_members_are_forgotten()
    {
        _tracker.Up(Other);
        _tracker.Up(Third);
        var member = On(Other, 1);
        _tracker.Know(member);
        _tracker.Know(On(Third, 1));

        Assert.Equal([member], _tracker.Remove(Other, []));
        Assert.Equal([Third], _tracker.OthersUp);
        Assert.Empty(_tracker.MembersOn(Other, []));
        Assert.Single(_tracker.MembersOn(Third, []));
    }

    [Fact]
    public void Addresses_are_parsed_from_member_ids()
    {
        var member = On(Other, 1);
        Assert.Equal(Other.Address, _tracker.AddressOf(member));
        Assert.Same(_tracker.AddressOf(member), _tracker.AddressOf(member));
        Assert.Equal(new MemberId(Other.Address.ToString(), Other.UniqueAddress.Uid), ClusterMemberTracker.IdOf(Other));
    }
}
