using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using P = ActorCausal.Protocol;

namespace ActorCausal.Internal;

/// <summary>
/// Protocol effects that reach the subscriber only as an event (suspicions, snapshots to install, a merge's other side;
/// the snapshots not for a <paramref name="stateless"/> member), and the members suspected now.
/// </summary>
internal sealed class SubscriberEffects(string group, bool stateless)
{
    private readonly HashSet<MemberId> _suspected = new();

    public IReadOnlyCollection<MemberId> Suspected => _suspected;

    /// <summary>The subscriber's event for <paramref name="effect"/>, or null when it has none.</summary>
    public IGroupEvent? EventOf(Effect effect)
    {
        switch (effect)
        {
            case P.PeerSuspected suspected:
                _suspected.Add(suspected.Member);
                return new MemberSuspected(group, suspected.Member);
            case P.PeerReachable reachable:
                _suspected.Remove(reachable.Member);
                return new MemberReachable(group, reachable.Member);
            case LoadSnapshot load:
                return stateless ? null : new InstallSnapshot(group, load.ViewId, load.Snapshot);
            case P.MergeSnapshot merge:
                return stateless ? null : new GroupsMerged(group, merge.ViewId, merge.Side.View, merge.Side.Snapshot);
            default:
                return null;
        }
    }

    /// <summary>A new view: a member not in it is no longer suspected.</summary>
    public void ViewInstalled(GroupView view) => _suspected.IntersectWith(view.Members);
}
