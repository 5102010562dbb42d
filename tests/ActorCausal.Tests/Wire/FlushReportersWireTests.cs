using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// A flush decision names the ranks whose reports it was made from (FlushDecision.Reporters, the majority-safe guard);
/// bytes without the field (a version before it, WireGoldenTests) read as none named.
/// </summary>
public sealed class FlushReportersWireTests() : WireRoundTrip("reporters")
{
    private static readonly MemberId A = new("akka.tcp://sys@127.0.0.1:4001", 1);
    private static readonly MemberId B = new("akka.tcp://sys@127.0.0.1:4002", 1);

    [Fact]
    public void A_decisions_reporters_cross_the_wire_in_a_commit_and_a_decision_that_names_none_reads_back_empty()
    {
        var unnamed = new FlushDecision(7, 8, [A, B], [0, 0, 0, 0, 0], [], []);
        var named = unnamed with { Reporters = [0, 3] };

        Assert.Equal<int>([0, 3], RoundTrip(new FlushCommit(7, new FlushRound(2, 0), named)).Decision.Reporters);
        Assert.Empty(RoundTrip(new FlushCommit(7, new FlushRound(2, 0), unnamed)).Decision.Reporters);
    }
}
