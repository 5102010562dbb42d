using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>Members, ids and the assertion shared by the one-test-per-check tests.</summary>
internal static class CheckTestSupport
{
    public static readonly MemberId A = new("a", 1);
    public static readonly MemberId B = new("b", 1);
    public static readonly MemberId C = new("c", 1);

    public static MessageId Id(long view, int sender, long sequence) => new(view, sender, sequence);

    /// <summary>
    /// The whole checker finds exactly one violation in <paramref name="histories"/>, the expected one, and
    /// <paramref name="check"/> alone finds that same violation: the history breaks exactly that check's rule.
    /// </summary>
    public static InvariantViolation BreaksOnly(IInvariantCheck check, IReadOnlyList<MemberHistory> histories, ViolationKind kind, MemberId member,
        MessageId[] messages, bool validity = false)
    {
        var options = new CheckerOptions { CheckValidity = validity };
        var all = InvariantChecker.Check(histories, options);
        var v = Assert.Single(all);
        Assert.Equal((kind, member), (v.Kind, v.Member));
        Assert.Equal(messages, v.Messages.ToArray());
        var alone = Assert.Single(check.Check(new HistoryIndex(histories), options));
        Assert.Equal(v, alone with { Messages = v.Messages });
        Assert.Equal(v.Messages.ToArray(), alone.Messages.ToArray());
        return v;
    }

    /// <summary><paramref name="histories"/> with <paramref name="facts"/> attached to <paramref name="member"/>'s history.</summary>
    public static IReadOnlyList<MemberHistory> WithFacts(IReadOnlyList<MemberHistory> histories, MemberId member, RunFacts facts) =>
        histories.Select(h => h.Member == member ? h with { Facts = facts } : h).ToArray();
}
