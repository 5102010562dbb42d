using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>
/// An explicit dependency on a message of a group that merged into this one is satisfied by the merged state. In these
/// small-bound schedules a member's group closes to merge while it holds explicit broadcasts (the application retries
/// them into the closing flush) and they go out in the merged view, or a winner member names a merged side's message;
/// the winner's members never deliver the other side's messages but were handed that side's state first. Before, the
/// checker compared view ids of two groups' ranges and reported Explicit-order violations here (seed 1469: 20).
/// </summary>
public class ExplicitAcrossMergeSimulationTests
{
    private static readonly SimulationOptions SmallBound = new()
    {
        Members = 5,
        Messages = 200,
        Faults = FaultKinds.All,
        ProtocolSettings = new GroupMemberSettings { MaxUnstable = 8 },
    };

    /// <summary>Seeds of 1..2,000 whose schedule sends such messages (1469: the one first reported).</summary>
    private static readonly ulong[] Seeds = [129, 275, 418, 663, 907, 919, 956, 987, 1208, 1258, 1469];

    [Fact]
    public void Explicit_broadcasts_naming_the_other_sides_messages_are_delivered_after_those_reached_every_member_as_state()
    {
        var crossing = 0;
        foreach (var seed in Seeds)
        {
            var r = SimulationRunner.Run(SmallBound, seed);
            Assert.True(!r.HasViolations && r.Quiescent, Describe(r));
            if (r.History!.SelectMany(h => h.Events.OfType<SendEvent>()).Any(s => s.Order == DeliveryOrder.Explicit && s.DependsOn.Any(d => d.ViewId >> 32 != s.Id.ViewId >> 32)))
                crossing++;
        }
        // The schedules move with any protocol change; fewer than 3 means the test no longer shows what it names:
        // find new seeds with a scan of 1..2,000 for explicit sends that name another group's message.
        Assert.True(crossing >= 3, $"only {crossing} of {Seeds.Length} schedules send an explicit message naming another group's message");
    }
}
