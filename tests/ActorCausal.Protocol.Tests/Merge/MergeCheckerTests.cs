using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Protocol.Tests.Merge;

/// <summary>The merge checks catch what they are for, on hand-built histories.</summary>
public class MergeCheckerTests
{
    private static readonly MemberId A = new("a", 1);
    private static readonly MemberId B = new("b", 1);
    private static readonly MemberId C = new("c", 1);
    private static readonly MemberId A2 = new("a", 2);

    [Fact]
    public void Two_live_groups_of_one_name_are_reported()
    {
        var h = new HistoryBuilder().ViewAll(1, A).ViewAll(100, B, C).Build();
        var v = Assert.Single(OneViewPerNameChecker.Check(h));
        Assert.Equal(ViolationKind.OneViewPerName, v.Kind);
    }

    [Fact]
    public void A_member_still_joining_or_a_view_naming_a_stopped_member_is_reported()
    {
        var joining = new HistoryBuilder().ViewAll(1, B, C).AddMember(A).Build();
        Assert.Contains(OneViewPerNameChecker.Check(joining), v => v.Kind == ViolationKind.OneViewPerName && v.Member == A);
        var stale = new HistoryBuilder().ViewAll(1, A, B, C).Stop(A, StopReason.Merged).Build();
        Assert.Single(OneViewPerNameChecker.Check(stale));
    }

    [Fact]
    public void One_view_holding_every_live_member_passes_and_stopped_incarnations_do_not_count()
    {
        var h = new HistoryBuilder()
            .ViewAll(1, A).Stop(A, StopReason.Merged)
            .ViewAll(100, B, C).ViewAll(101, B, C, A2)
            .Build();
        Assert.Empty(OneViewPerNameChecker.Check(h));
        Assert.Equal(2, OneViewPerNameChecker.Lineages(h).Count);
    }

    [Fact]
    public void Members_that_closed_one_view_to_merge_with_different_deliveries_are_reported()
    {
        var m = new MessageId(1, 0, 1);
        var h = new HistoryBuilder()
            .ViewAll(1, A, B)
            .Send(A, m, DeliveryOrder.Fifo).Deliver(A, m, A, DeliveryOrder.Fifo)
            .Stop(A, StopReason.Merged).Stop(B, StopReason.Merged)
            .Build();
        var v = Assert.Single(MergeChecker.ClosingViewAgreement(h));
        Assert.Equal(ViolationKind.MergeVirtualSynchrony, v.Kind);
        Assert.Equal(new[] { m }, v.Messages);
    }

    [Fact]
    public void An_application_that_lacks_what_the_other_side_delivered_is_reported()
    {
        var apps = new[]
        {
            new ApplicationRecord(A2, true, ["a/1.0.1"], ["a/1.0.1", "b/100.0.1"]),
            new ApplicationRecord(B, true, ["b/100.0.1"], ["b/100.0.1"]),
        };
        var violations = MergeChecker.BothSidesSeen(apps);
        Assert.Contains(violations, v => v.Kind == ViolationKind.MergeLostState && v.Member == B && v.Detail.Contains("a/1.0.1"));
        apps[1] = apps[1] with { State = ["b/100.0.1", "a/1.0.1"] };
        Assert.Empty(MergeChecker.BothSidesSeen(apps));
    }

    [Fact]
    public void The_one_view_check_judges_only_runs_that_say_they_are_stable()
    {
        var split = new HistoryBuilder().ViewAll(1, A).ViewAll(100, B, C).Build();
        Assert.DoesNotContain(InvariantChecker.Check(split), v => v.Kind == ViolationKind.OneViewPerName);
        Assert.Contains(InvariantChecker.Check(split, new CheckerOptions { OneViewPerNameOnceStable = true }), v => v.Kind == ViolationKind.OneViewPerName);
    }

    [Fact]
    public void The_sim_command_runs_founder_schedules_and_counts_their_violations()
    {
        var output = new StringWriter();
        var code = ActorCausal.Simulation.Cli.Run(["--schedules", "2", "--messages", "20", "--founders", "40", "--parallelism", "1"], output, new StringWriter());
        var text = output.ToString();
        Assert.Contains("founders=40 violations=0", text);
        Assert.Matches(@"founders: 40 start-up schedules .* split-at-start=[1-9]", text);
        Assert.Equal(0, code);
    }
}
