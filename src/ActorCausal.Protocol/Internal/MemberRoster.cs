using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// How one member sees the others, as the cluster reports them: suspected or reachable, removed (for good: an
/// incarnation a view left out never comes back), downed by the resolver, asking to join, leaving. From it follow the
/// membership the coordinator wants next, the participants of a flush and who coordinates (the oldest member not removed).
/// </summary>
internal sealed class MemberRoster
{
    private readonly Dictionary<MemberId, MemberState> _states = new();
    private readonly HashSet<MemberId> _removed = new();
    private readonly HashSet<MemberId> _downed = new();
    private readonly List<MemberId> _pendingJoins = new();
    private readonly HashSet<MemberId> _leaving = new();

    /// <summary><see cref="MemberState.Failed"/> once removed, otherwise what the failure detector said last.</summary>
    public MemberState StateOf(MemberId member) =>
        _removed.Contains(member) ? MemberState.Failed : _states.GetValueOrDefault(member, MemberState.Active);

    public bool IsRemoved(MemberId member) => _removed.Contains(member);
    public bool IsDowned(MemberId member) => _downed.Contains(member);
    public bool IsLeaving(MemberId member) => _leaving.Contains(member);

    public void Suspect(MemberId member) => _states[member] = MemberState.Suspected;

    public void MarkReachable(MemberId member) => _states[member] = MemberState.Active;

    /// <summary>Removes <paramref name="member"/> for good; false if it was already removed.</summary>
    public bool Remove(MemberId member, GroupView view)
    {
        if (!_removed.Add(member)) return false;
        _pendingJoins.Remove(member);
        if (view.Contains(member)) _states[member] = MemberState.Failed;
        return true;
    }

    /// <summary>The resolver downed <paramref name="member"/>: never admitted, a final suspicion at most.</summary>
    public void Down(MemberId member)
    {
        _downed.Add(member);
        _pendingJoins.Remove(member);
    }

    /// <summary>Records a join request; false when <paramref name="member"/> is in <paramref name="view"/>, superseded there, or already waiting.</summary>
    public bool RequestJoin(MemberId member, GroupView view)
    {
        if (view.Contains(member) || Superseded(member, view) || _pendingJoins.Contains(member)) return false;
        _pendingJoins.Add(member);
        return true;
    }

    public void ForgetJoin(MemberId member) => _pendingJoins.Remove(member);

    /// <summary>
    /// A later incarnation on <paramref name="member"/>'s node is in <paramref name="view"/>: this one left or was restarted
    /// away, so a join request of it is stale (one that reached a member before that member was admitted survives the view
    /// that left it out, which the member never saw).
    /// </summary>
    private static bool Superseded(MemberId member, GroupView view) =>
        view.Members.Any(m => m.Address == member.Address && m.Incarnation > member.Incarnation);

    /// <summary>Records that <paramref name="member"/> leaves; false if it already asked.</summary>
    public bool Leave(MemberId member) => _leaving.Add(member);

    /// <summary>The next view's members: the view's, less the removed and leaving, plus those asking to join, in that order.</summary>
    public ImmutableArray<MemberId> Desired(GroupView view)
    {
        var members = view.Members.Where(m => !_removed.Contains(m) && !_leaving.Contains(m)).ToList();
        members.AddRange(_pendingJoins.Where(j => !_removed.Contains(j) && !members.Contains(j)));
        return [.. members];
    }

    /// <summary>The ranks below <paramref name="size"/> not removed: the participants of a flush.</summary>
    public ImmutableArray<int> Participants(GroupView view, int size) =>
        Enumerable.Range(0, size).Where(k => !_removed.Contains(view.Members[k])).ToImmutableArray();

    /// <summary>The lowest rank below <paramref name="size"/> not removed (<paramref name="ownRank"/> if none).</summary>
    public int CoordinatorRank(GroupView view, int size, int ownRank)
    {
        for (var k = 0; k < size; k++)
        {
            if (!_removed.Contains(view.Members[k])) return k;
        }
        return ownRank;
    }

    /// <summary>A new view: what the failure detector said of the old one is forgotten; removed members stay failed.</summary>
    public void ResetStates(GroupView view)
    {
        _states.Clear();
        foreach (var member in view.Members)
        {
            if (_removed.Contains(member)) _states[member] = MemberState.Failed;
        }
    }

    /// <summary>A new view installed: its joiners are no longer pending, the members it <paramref name="left"/> out are removed for good.</summary>
    public void Installed(GroupView view, IEnumerable<MemberId> left)
    {
        _pendingJoins.RemoveAll(j => view.Contains(j) || Superseded(j, view));
        // An incarnation a view left out never comes back: a late announcement of one that declined this group's welcome
        // (it installed another group's view) would otherwise re-admit it at a member that never heard the decline.
        foreach (var gone in left) _removed.Add(gone);
        _leaving.RemoveWhere(m => !view.Contains(m));
    }
}
