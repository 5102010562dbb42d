using System.Collections.Concurrent;
using ActorCausal.Protocol.Membership;
using Akka.Cluster;

namespace ActorCausal.Internal;

/// <summary>
/// Group member identities. A member is <c>MemberId(node address, incarnation)</c>; the low 32 bits of the incarnation are
/// the node's cluster uid (a restarted node has a new one) and the high bits count the joins of that group on that node,
/// so a member that leaves and joins again is a new member that no peer can confuse with the one that left. The first
/// join on a node is incarnation = uid, the id the node had before rejoins were counted.
/// </summary>
internal static class GroupIncarnation
{
    private static readonly ConcurrentDictionary<(string Address, int Uid, string Group), long> Joins = new();

    /// <summary>The id of the next join of <paramref name="group"/> on the node <paramref name="node"/>.</summary>
    public static MemberId Next(UniqueAddress node, string group)
    {
        var address = node.Address.ToString();
        var count = Joins.AddOrUpdate((address, node.Uid, group), 0, (_, previous) => previous + 1);
        return new MemberId(address, (count << 32) | (uint)node.Uid);
    }

    /// <summary>The cluster uid of the node that hosts <paramref name="member"/>.</summary>
    public static int NodeUid(MemberId member) => (int)(member.Incarnation & 0xFFFF_FFFF);

    /// <summary>True when <paramref name="member"/> lives on the cluster node <paramref name="node"/> (any of its joins).</summary>
    public static bool IsOn(MemberId member, Member node) =>
        NodeUid(member) == node.UniqueAddress.Uid && string.Equals(member.Address, node.Address.ToString(), StringComparison.Ordinal);
}
