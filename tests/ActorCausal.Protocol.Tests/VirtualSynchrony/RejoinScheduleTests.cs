using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>Leave then join again at once on the same node, repeatedly: each round is a new incarnation of the group member.</summary>
public class RejoinScheduleTests
{
    [Fact]
    public void Four_rounds_of_leave_and_join_again_at_once_end_with_the_last_incarnation_in_the_view_and_every_invariant()
    {
        foreach (var seed in new ulong[] { 1, 2, 3, 4, 5 })
        {
            var r = SimulationRunner.Run(Options([new RejoinFault(300, 1, Times: 4, GapMs: 150)]), seed);
            Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
            var final = r.History!.Single(h => h.Member == M(0)).Events.OfType<ViewEvent>().Last();
            Assert.Contains(M(1, 5), final.Members);
            for (var k = 1; k <= 4; k++)
            {
                var incarnation = r.History!.Single(h => h.Member == M(1, k)).Events;
                Assert.Equal(StopReason.Left, incarnation.OfType<StopEvent>().Single().Reason);
            }
            Assert.Equal(4, r.Faults!.Rejoins);
        }
    }

    [Fact]
    public void The_checker_catches_a_leaver_that_missed_a_message_of_its_last_view()
    {
        var a = M(0);
        var b = M(1);
        var c = M(2);
        System.Collections.Immutable.ImmutableArray<MemberId> members = [a, b, c];
        var m = new MessageId(1, 0, 1);
        var histories = new[]
        {
            new MemberHistory(a, [new ViewEvent(1, members), new SendEvent(m, DeliveryOrder.Fifo), new DeliverEvent(m, a, DeliveryOrder.Fifo), new ViewEvent(2, [a, c])]),
            new MemberHistory(b, [new ViewEvent(1, members), new StopEvent(StopReason.Left, "left")]),
            new MemberHistory(c, [new ViewEvent(1, members), new DeliverEvent(m, a, DeliveryOrder.Fifo), new ViewEvent(2, [a, c])]),
        };
        var violations = InvariantChecker.Check(histories, checkValidity: false);
        Assert.Contains(violations, v => v.Kind == ViolationKind.VirtualSynchrony && v.Member == b && v.Messages.Contains(m));
    }
}
