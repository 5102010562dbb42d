using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Joining and founding as protocol inputs and effects (the driver only carries announcements and acks between nodes):
// a joining member whose node is Up (NodeUp) announces itself every JoinRetryIntervalMs (AnnounceJoin); a member that
// hears an announcement (Announced) admits the joiner and acknowledges (AckJoin); a joiner that heard an ack knows the
// group exists. It founds the group (a one-member view 1) on Tick when it has announced for FoundingDelayMs, no ack
// came during the last FoundingDelayMs, and no joiner that announced itself here is on an older node (Akka's age order),
// then admits those announcers. Every node that starts the group at about the same time therefore waits for the oldest.
//
// Founding asks the cluster, not the clock (GroupMember.Founding.cs): a driver that tells the joiner the other Up nodes
// (PeerNodeUp, with Akka's age order) and what their group actors answer (an ack: a member there; an announcement: a
// joiner there; NoGroupOn: no group actor there) makes a joiner found only once every reachable Up node has said that it
// runs no member and no older joiner. Late answers then delay founding instead of making a second group.
public sealed partial class GroupMember
{
    private readonly JoinAttempt _join = new();

    /// <summary>This member's node is Up in the cluster: a joining member starts announcing itself.</summary>
    public void NodeUp()
    {
        if (Phase != MemberPhase.Joining || _join.NodeUp) return;
        _join.Start(_now);
        JoinTick();
    }

    /// <summary>
    /// <paramref name="joiner"/>, on a node the driver sees Up, announced itself; <paramref name="fromOlderNode"/>: that node
    /// is older than this member's (Akka's Member.IsOlderThan). A member admits it and acknowledges; a joiner remembers it
    /// for the founding decision.
    /// </summary>
    public void Announced(MemberId joiner, bool fromOlderNode)
    {
        if (joiner == Self) return;
        switch (Phase)
        {
            case MemberPhase.Normal or MemberPhase.Flushing:
                JoinRequested(joiner);
                _effects.Add(new AckJoin(joiner, View.Id));
                break;
            case MemberPhase.Joining when !_roster.IsRemoved(joiner) && !_roster.IsDowned(joiner):
                _join.AnnouncedBy(joiner, fromOlderNode);
                _founding.Answered(joiner.Address, fromOlderNode ? PeerAnswer.OlderJoiner : PeerAnswer.YoungerJoiner);
                break;
        }
    }

    /// <summary>A member of the group answered this joiner's announcement: the group exists, so this member does not found it.</summary>
    public void JoinAcknowledged(MemberId member)
    {
        if (Phase != MemberPhase.Joining) return;
        _join.Answered(_now);
        _founding.Answered(member.Address, PeerAnswer.Member);
    }

    private void JoinTick()
    {
        if (Phase != MemberPhase.Joining || !_join.NodeUp) return;
        if (_merging.JoinTick()) return; // a merging member offers itself first
        if (_join.TakeAnnouncementDue(_now, Settings.JoinRetryIntervalMs)) _effects.Add(new AnnounceJoin());
        if (_join.MayFound(_now, Settings.FoundingDelayMs) && Settings.Rules.MayFound(this)) Found();
    }

    private void Found()
    {
        var view = new GroupView(MergeRules.FoundingViewId(Self), [Self]);
        var announcers = _join.TakeAnnouncers();
        _installer.Install(view, [Self], ImmutableArray<MemberId>.Empty);
        foreach (var joiner in announcers) JoinRequested(joiner);
    }
}
