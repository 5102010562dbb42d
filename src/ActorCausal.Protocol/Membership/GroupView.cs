using System.Collections.Immutable;

namespace ActorCausal.Protocol.Membership;

/// <summary>A view: an id that grows with every change and the ordered members (rank = index; rank 0 is the oldest).</summary>
public sealed class GroupView : IEquatable<GroupView>
{
    private readonly Dictionary<MemberId, int> _ranks;

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

    public long Id { get; }
    public ImmutableArray<MemberId> Members { get; }
    public int Size => Members.Length;

    /// <summary>The rank of <paramref name="member"/> in this view, or -1 when it is not a member.</summary>
    public int RankOf(MemberId member) => _ranks.TryGetValue(member, out var rank) ? rank : -1;

    public bool Contains(MemberId member) => _ranks.ContainsKey(member);

    public bool Equals(GroupView? other) => other is not null && Id == other.Id && Members.SequenceEqual(other.Members);

    public override bool Equals(object? obj) => obj is GroupView other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Id, Members.Length, Members[0]);

    public override string ToString() => $"view {Id} [{string.Join(", ", Members)}]";
}
