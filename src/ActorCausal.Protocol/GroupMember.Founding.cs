using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Founding by the cluster's own membership (issue 13): a joiner founds only when every other Up node that it can reach
// has answered, and no answer names a member of the group or an older joiner. The driver tells it the Up nodes with their
// age (PeerNodeUp), which of them the failure detector cannot reach (PeerNodeUnreachable / PeerNodeReachable), which are
// gone (PeerNodeGone), and a node's answer that it runs no group actor of this name (NoGroupOn); acks and announcements
// are the other answers (GroupMember.Joining.cs). A member slow to answer (a loaded machine, late ticks) therefore only
// delays founding; two groups of one name form only when Up nodes cannot reach each other, and then they merge.
// A driver that tells nothing of the cluster keeps the older rule (founding delay without an ack or an older announcer).
public sealed partial class GroupMember
{
    private readonly FoundingPeers _founding = new();

    /// <summary>
    /// Another cluster node <paramref name="node"/> (its address, as in <see cref="MemberId.Address"/>) is Up;
    /// <paramref name="older"/>: it is older than this member's node (Akka's age order). A joiner will not found until it
    /// has heard from it.
    /// </summary>
    public void PeerNodeUp(string node, bool older) => _founding.Up(node, older);

    /// <summary>Node <paramref name="node"/> left the cluster or was downed or removed: it no longer counts for founding.</summary>
    public void PeerNodeGone(string node) => _founding.Gone(node);

    /// <summary>The failure detector cannot reach node <paramref name="node"/>: founding does not wait for its answer.</summary>
    public void PeerNodeUnreachable(string node) => _founding.Reachable(node, false);

    /// <summary>Node <paramref name="node"/> is reachable again: founding waits for its answer again.</summary>
    public void PeerNodeReachable(string node) => _founding.Reachable(node, true);

    /// <summary>Node <paramref name="node"/> answered an announcement: it runs no group actor of this name.</summary>
    public void NoGroupOn(string node)
    {
        if (Phase == MemberPhase.Joining) _founding.Answered(node, PeerAnswer.NoGroup);
    }

    /// <summary>No reachable Up node is unanswered or runs a member or an older joiner (the founding rule's cluster half).</summary>
    internal bool NoPeerBlocksFounding() => _founding.Blocking() is null;

    /// <summary>The node founding waits for (unanswered, a member, or an older joiner), or null; for status and tests.</summary>
    public string? FoundingWaitsFor => Phase == MemberPhase.Joining ? _founding.Blocking() : null;
}
