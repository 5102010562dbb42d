using ActorCausal.Protocol.Clocks;
using CsCheck;

namespace ActorCausal.Protocol.Tests.Clocks;

public class VectorClockTests
{
    [Fact]
    public void Compare_tells_before_after_equal_and_concurrent()
    {
        var a = VectorClock.Of(1, 0, 2);
        Assert.Equal(CausalRelation.Equal, a.Compare(VectorClock.Of(1, 0, 2)));
        Assert.Equal(CausalRelation.Before, a.Compare(VectorClock.Of(1, 1, 2)));
        Assert.Equal(CausalRelation.After, a.Compare(VectorClock.Of(0, 0, 2)));
        Assert.Equal(CausalRelation.Concurrent, a.Compare(VectorClock.Of(0, 1, 2)));
        Assert.True(a.HappenedBefore(VectorClock.Of(2, 0, 2)));
        Assert.False(a.HappenedBefore(a));
        Assert.True(a.IsConcurrentWith(VectorClock.Of(2, 0, 1)));
    }

    [Fact]
    public void Merge_is_the_pointwise_maximum_and_leaves_both_inputs_unchanged()
    {
        var a = VectorClock.Of(3, 0, 5);
        var b = VectorClock.Of(1, 4, 5);
        Assert.Equal(VectorClock.Of(3, 4, 5), a.Merge(b));
        Assert.Equal(VectorClock.Of(3, 0, 5), a);
        Assert.Equal(VectorClock.Of(1, 4, 5), b);
        Assert.Equal(VectorClock.Of(3, 1, 5), a.Increment(1));
    }

    [Fact]
    public void Clocks_of_different_dimensions_are_an_error_not_an_answer()
    {
        var ex = Assert.Throws<ArgumentException>(() => VectorClock.Of(1, 2).Compare(VectorClock.Of(1, 2, 3)));
        Assert.Contains("different dimensions", ex.Message);
        Assert.Throws<ArgumentException>(() => VectorClock.Of(1, 2).Merge(VectorClock.Of(1)));
        Assert.Throws<ArgumentException>(() => VectorClock.Of(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorClock.Zero(0));
    }

    private static readonly Gen<long[]> Clock3 = Gen.Long[0, 5].Array[3];

    [Fact]
    public void Merge_is_commutative_associative_and_an_upper_bound()
    {
        Gen.Select(Clock3, Clock3, Clock3).Sample((x, y, z) =>
        {
            var a = VectorClock.Of(x);
            var b = VectorClock.Of(y);
            var c = VectorClock.Of(z);
            Assert.Equal(a.Merge(b), b.Merge(a));
            Assert.Equal(a.Merge(b).Merge(c), a.Merge(b.Merge(c)));
            var ab = a.Merge(b);
            Assert.True(a.Compare(ab) is CausalRelation.Before or CausalRelation.Equal);
            Assert.True(b.Compare(ab) is CausalRelation.Before or CausalRelation.Equal);
        });
    }

    [Fact]
    public void Compare_is_antisymmetric()
    {
        Gen.Select(Clock3, Clock3).Sample((x, y) =>
        {
            var forward = VectorClock.Of(x).Compare(VectorClock.Of(y));
            var backward = VectorClock.Of(y).Compare(VectorClock.Of(x));
            var expected = forward switch
            {
                CausalRelation.Before => CausalRelation.After,
                CausalRelation.After => CausalRelation.Before,
                _ => forward,
            };
            Assert.Equal(expected, backward);
        });
    }
}
