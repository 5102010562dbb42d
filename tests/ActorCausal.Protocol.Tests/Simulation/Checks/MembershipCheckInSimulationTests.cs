using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>The membership check end to end: a broken driver that treats a suspicion as a removal is caught from the facts the simulator records.</summary>
public class MembershipCheckInSimulationTests
{
    /// <summary>A driver that removes a peer as soon as it is suspected (a suspicion alone must change no view).</summary>
    private sealed class SuspicionAsRemoval(GroupMember member) : GroupMemberAdapter(member)
    {
        public static readonly SimulatedMemberFactory Broken = (self, view, settings) => new SuspicionAsRemoval(new GroupMember(self, view, settings, 0));

        public override void Suspected(MemberId m) => Member.Removed(m);
    }

    [Fact]
    public void A_view_that_drops_a_falsely_suspected_member_is_a_membership_violation()
    {
        // m1 is suspected by m0 and m3 for a while and never removed by the cluster.
        var options = new SimulationOptions { Members = 5, Messages = 80, FaultScript = [new FalseSuspicionFault(200, 1) { Observers = [0, 3] }] };
        var r = SimulationRunner.Run(options, 4, SuspicionAsRemoval.Broken);
        var suspicion = Assert.Single(r.Faults!.Events.OfType<FalseSuspicion>());
        Assert.Equal(new MemberId("m1", 1), suspicion.Target);
        var dropped = r.Violations.Where(v => v.Kind == ViolationKind.Membership).ToList();
        Assert.NotEmpty(dropped);
        Assert.All(dropped, v => Assert.Contains("without m1#1, which the cluster never removed", v.Detail));

        // The same schedule with the real driver changes no view.
        Assert.DoesNotContain(SimulationRunner.Run(options, 4).Violations, v => v.Kind == ViolationKind.Membership);
    }
}
