using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>The merge's decision rule: both coordinators reach the same answer on the same two views.</summary>
public class MergeRulesTests
{
    private static GroupView View(long id, params string[] members) => new(id, members.Select(m => new MemberId(m, 1)));

    [Fact]
    public void The_larger_group_wins_and_equal_sizes_go_to_the_group_whose_oldest_member_sorts_first()
    {
        Assert.True(MergeRules.Wins(View(5, "z", "y"), View(9, "a")));
        Assert.False(MergeRules.Wins(View(9, "a"), View(5, "z", "y")));
        Assert.True(MergeRules.Wins(View(2, "a", "z"), View(7, "b", "c")));
        Assert.False(MergeRules.Wins(View(7, "b", "c"), View(2, "a", "z")));
    }

    [Fact]
    public void Both_coordinators_pick_the_same_winner()
    {
        var random = new DeterministicRandom(42);
        for (var k = 0; k < 2_000; k++)
        {
            var names = Enumerable.Range(0, 8).Select(i => $"n{i}").OrderBy(_ => random.NextUInt64()).ToArray();
            var cut = 1 + random.NextInt(6);
            var a = new GroupView(random.NextInt(1, 100), names[..cut].Select(n => new MemberId(n, random.NextInt(1, 3))));
            var b = new GroupView(random.NextInt(1, 100), names[cut..].Select(n => new MemberId(n, random.NextInt(1, 3))));
            Assert.True(MergeRules.Disjoint(a, b));
            Assert.NotEqual(MergeRules.Wins(a, b), MergeRules.Wins(b, a));
        }
    }

    [Fact]
    public void Groups_founded_apart_count_their_views_in_different_ranges()
    {
        var a = MergeRules.FoundingViewId(new MemberId("akka.tcp://s@127.0.0.1:4001", 7));
        var b = MergeRules.FoundingViewId(new MemberId("akka.tcp://s@127.0.0.1:4002", 7));
        Assert.False(MergeRules.SameGroup(a, b));
        Assert.True(MergeRules.SameGroup(a, a + 1_000));
        Assert.Equal(1, a % (1L << 32));
    }
}
