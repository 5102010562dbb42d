using System.Collections.Immutable;

namespace ActorCausal.Protocol.Membership;

/// <summary>A view: an id that grows with every change and the ordered members (rank = index; rank 0 is the oldest).</summary>
public sealed class GroupView : IEquatable<GroupView>
{
    private readonly Dictionary<MemberId, int> _ranks;

    /// <summary>
    /// A view with id <paramref name="id"/> and <paramref name="members"/> in rank order, oldest first. Id 0 is only a joining
    /// member's placeholder view of itself; a founded group's first view has a positive id and each view change adds one.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a negative id and <see cref="ArgumentException"/> for no members or a
    /// member listed twice.
    /// </summary>
    public GroupView(long id, IEnumerable<MemberId> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (id < 0) throw new ArgumentOutOfRangeException(nameof(id), id, "A view id is never negative.");
        Id = id;
        Members = members.ToImmutableArray();
        if (Members.Length == 0) throw new ArgumentException("A view has at least one member.", nameof(members));
        _ranks = new Dictionary<MemberId, int>(Members.Length);
        for (var i = 0; i < Members.Length; i++)
        {
            if (!_ranks.TryAdd(Members[i], i))
                throw new ArgumentException($"Member {Members[i]} appears twice in view {id}.", nameof(members));
        }
    }

    /// <summary>The view's number, one more at every view change. Every protocol message carries it and is delivered only in the view with that id: an earlier view's messages are refused as stale, the next view's are kept until it is installed.</summary>
    public long Id { get; }
    /// <summary>The members in rank order (index = rank, 0 = the oldest): the survivors of the previous view in their old order, then the members admitted by this view change in the order they asked to join.</summary>
    public ImmutableArray<MemberId> Members { get; }
    /// <summary>The number of members, at least 1; also the dimension of every vector clock in this view.</summary>
    public int Size => Members.Length;

    /// <summary>The rank of <paramref name="member"/> in this view, or -1 when it is not a member.</summary>
    public int RankOf(MemberId member) => _ranks.TryGetValue(member, out var rank) ? rank : -1;

    /// <summary>Whether <paramref name="member"/>, this exact incarnation, is in the view.</summary>
    public bool Contains(MemberId member) => _ranks.ContainsKey(member);

    /// <summary>Whether <paramref name="other"/> has the same id and the same members in the same order.</summary>
    public bool Equals(GroupView? other) => other is not null && Id == other.Id && Members.SequenceEqual(other.Members);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="GroupView"/> with the same id and the same members in the same order.</summary>
    public override bool Equals(object? obj) => obj is GroupView other && Equals(other);

    /// <summary>A hash of the id, the size and the oldest member, consistent with <see cref="Equals(GroupView)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(Id, Members.Length, Members[0]);

    /// <summary>The view for logs: <c>view 3 [a, b, c]</c>, the members in rank order.</summary>
    public override string ToString() => $"view {Id} [{string.Join(", ", Members)}]";
}
