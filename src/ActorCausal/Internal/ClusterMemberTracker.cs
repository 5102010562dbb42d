using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Cluster;

namespace ActorCausal.Internal;

/// <summary>
/// What a group actor knows of the cluster: the Up nodes (by address, the latest Member of each), this node's own Member
/// once it is Up, and the group members heard of (views, join requests), so that node-level cluster events reach every
/// member on that node. A member is on a node when its address and the node's uid match (<see cref="GroupIncarnation"/>):
/// a node restarted at the same address is another node, and its old members are not on it.
/// </summary>
internal sealed class ClusterMemberTracker(UniqueAddress self)
{
    private const int MaxCachedAddresses = 1024;
    private readonly Dictionary<Address, Member> _up = new();
    private readonly HashSet<MemberId> _known = new();
    private readonly Dictionary<string, Address> _addresses = new();

    /// <summary>This node's Member, once the cluster reported it Up.</summary>
    public Member? SelfMember { get; private set; }

    public bool IsSelf(Member m) => m.UniqueAddress.Equals(self);

    /// <summary>The Up nodes other than this one.</summary>
    public IEnumerable<Member> OthersUp => _up.Values.Where(m => !IsSelf(m));

    /// <summary>A member's id: the node's address, and its uid as the incarnation (a joining group actor adds its join count: GroupIncarnation).</summary>
    public static MemberId IdOf(Member m) => new(m.Address.ToString(), m.UniqueAddress.Uid);

    /// <summary>The node key of the founding inputs: the node's address, as in a MemberId.</summary>
    public static string NodeOf(Member m) => m.Address.ToString();

    public void Up(Member m)
    {
        _up[m.Address] = m;
        if (IsSelf(m)) SelfMember = m;
    }

    /// <summary>The node left, exited, was downed or removed: no longer Up.</summary>
    public void NotUp(Member m) => _up.Remove(m.Address);

    public void Know(MemberId member) => _known.Add(member);

    /// <summary>Every member heard of (or in <paramref name="view"/>) that lives on <paramref name="node"/>.</summary>
    public List<MemberId> MembersOn(Member node, IEnumerable<MemberId> view)
    {
        foreach (var m in view) _known.Add(m);
        return _known.Where(id => GroupIncarnation.IsOn(id, node)).ToList();
    }

    /// <summary>The node is gone for good: no longer Up, and its members are forgotten; returns them.</summary>
    public List<MemberId> Remove(Member node, IEnumerable<MemberId> view)
    {
        NotUp(node);
        var gone = MembersOn(node, view);
        foreach (var id in gone) _known.Remove(id);
        return gone;
    }

    /// <summary>The Up node behind <paramref name="member"/> (same address and uid), or null.</summary>
    public Member? UpMember(MemberId member)
    {
        if (!Address.TryParse(member.Address, out var address) || address is null) return null;
        return _up.TryGetValue(address, out var m) && m.UniqueAddress.Uid == GroupIncarnation.NodeUid(member) ? m : null;
    }

    /// <summary>The node address of <paramref name="member"/> (parsed once, cached).</summary>
    public Address AddressOf(MemberId member)
    {
        if (_addresses.TryGetValue(member.Address, out var address)) return address;
        address = Address.Parse(member.Address);
        if (_addresses.Count > MaxCachedAddresses) _addresses.Clear();
        _addresses[member.Address] = address;
        return address;
    }
}
