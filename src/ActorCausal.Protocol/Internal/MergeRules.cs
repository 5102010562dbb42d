using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Which of two disjoint groups of one name survives a merge. Both coordinators evaluate it on the same two views and
/// reach the same answer: the larger group wins (fewer members change group and fewer applications merge), then the one
/// whose oldest member sorts first (address, then incarnation, ordinal).
/// </summary>
internal static class MergeRules
{
    public static bool Wins(GroupView mine, GroupView theirs)
    {
        if (mine.Size != theirs.Size) return mine.Size > theirs.Size;
        return Compare(mine.Members[0], theirs.Members[0]) < 0;
    }

    public static int Compare(MemberId a, MemberId b)
    {
        var c = string.CompareOrdinal(a.Address, b.Address);
        return c != 0 ? c : a.Incarnation.CompareTo(b.Incarnation);
    }

    /// <summary>True when no member is in both views: two different groups (a view shared with a member is this group's own past).</summary>
    public static bool Disjoint(GroupView a, GroupView b) => !b.Members.Any(a.Contains);

    /// <summary>
    /// The first view id of a group that <paramref name="founder"/> founds: 1 plus a 30-bit hash of the founder in the high
    /// bits, so that two groups of one name that formed apart do not count views in the same range. Their members may
    /// then exchange messages before they find out (each admitted the other's founder from a late announcement) without
    /// taking the other group's view for their own; ids still grow by one per view change.
    /// </summary>
    public static long FoundingViewId(MemberId founder)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in founder.Address) h = (h ^ ch) * 1099511628211UL;
        h = (h ^ (ulong)founder.Incarnation) * 1099511628211UL;
        return 1 + ((long)(h & 0x3FFF_FFFF) << 32);
    }

    /// <summary>True when two view ids are of one group's range (<see cref="FoundingViewId"/>): the group that one founder founded, and every group merged into it.</summary>
    public static bool SameGroup(long viewA, long viewB) => viewA >> 32 == viewB >> 32;

    /// <summary>Names one view of one group: its id and its oldest member.</summary>
    public static (long, MemberId) Key(GroupView view) => (view.Id, view.Members[0]);
}
