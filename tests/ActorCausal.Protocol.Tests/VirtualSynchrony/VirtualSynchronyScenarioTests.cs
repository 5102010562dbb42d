using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using static ActorCausal.Protocol.Tests.VirtualSynchrony.ScenarioSupport;

namespace ActorCausal.Protocol.Tests.VirtualSynchrony;

/// <summary>
/// The named scenarios of virtual synchrony, each a scripted fault plan over several seeds: the checker finds no
/// violation, the group reaches quiescence, and each test asserts that its scenario really happened.
/// </summary>
public class VirtualSynchronyScenarioTests
{
    private static readonly ulong[] Seeds = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void Sender_crash_with_partial_receipt_survivors_all_deliver_the_message_or_none_does()
    {
        // m1 broadcasts (a random order per seed) with data reaching only m2 (and m3 in odd seeds), then crashes once
        // every copy that gets through has arrived.
        var delivered = 0;
        var dropped = 0;
        foreach (var seed in Seeds)
        {
            ImmutableArray<int> receivers = seed % 2 == 0 ? [2] : [2, 3];
            var options = Options([new CrashFault(300, 1) { PartialReceipt = true, Receivers = receivers }]);
            RunClean(options, [seed], r =>
            {
                var crashed = History(r, M(1));
                Assert.IsType<CrashEvent>(crashed.Events[^1]);
                var broadcast = Assert.Single(r.Faults!.Events.OfType<PartialBroadcast>());
                Assert.Equal(M(1), broadcast.Member);
                Assert.Equal(receivers.Select(s => M(s)), broadcast.Receivers);
                var partial = broadcast.Id;
                Assert.Contains(crashed.Events.OfType<SendEvent>(), e => e.Id == partial);

                var survivors = Correct(r);
                Assert.Equal(4, survivors.Count);
                var holders = survivors.Count(h => Delivered(h).Contains(partial));
                Assert.True(holders == 0 || holders == survivors.Count, $"{holders} of {survivors.Count} survivors delivered {partial}\n{Describe(r)}");
                if (holders == 0) dropped++;
                else delivered++;

                // Every survivor installed a view without m1.
                Assert.All(survivors, h => Assert.Contains(Views(h), v => !v.Members.Contains(M(1))));
                Assert.DoesNotContain(M(1), AssertCommonFinalView(r).Members);
            });
        }
        Assert.True(delivered > 0, $"the partially received message was never delivered (dropped in {dropped} runs)");
    }

    [Fact]
    public void Coordinator_crash_mid_flush_the_next_oldest_takes_over_and_both_crashed_members_leave_the_view()
    {
        foreach (var seed in Seeds)
        {
            // m3 crashes; when the coordinator (m0) is flushing, after 0-3 of its own flush events, it crashes too.
            var options = Options([new CrashFault(300, 3) { Then = FollowUp.CrashCoordinatorWhenFlushing, FlushSteps = (int)(seed % 4) }]);
            RunClean(options, [seed], r =>
            {
                Assert.Contains(r.Faults!.Events.OfType<MemberCrashed>(), c => c is { Cause: CrashCause.CoordinatorMidFlush, WasCoordinator: true, Phase: MemberPhase.Flushing } && c.Member == M(0));
                var final = AssertCommonFinalView(r);
                Assert.Equal([M(1), M(2), M(4)], final.Members.ToArray());
                Assert.Equal(2, r.Faults.Crashes);
            });
        }
    }

    [Fact]
    public void Two_crashes_in_one_flush_end_in_one_view_without_both()
    {
        foreach (var seed in Seeds)
        {
            // m4 crashes; a second (non-coordinator) member crashes while it is flushing the first view change.
            var options = Options([new CrashFault(300, 4) { Then = FollowUp.CrashWhenFlushing, FlushSteps = (int)(seed % 3) }]);
            RunClean(options, [seed], r =>
            {
                var second = Assert.Single(r.Faults!.Events.OfType<MemberCrashed>(), c => c.Cause == CrashCause.MidFlush);
                Assert.Equal(MemberPhase.Flushing, second.Phase);
                var final = AssertCommonFinalView(r);
                Assert.Equal(3, final.Members.Length);
                Assert.DoesNotContain(M(4), final.Members);
                Assert.Contains(M(0), final.Members);
                Assert.Equal(2, r.Faults.Crashes);
            });
        }
    }

    [Fact]
    public void Crash_right_after_the_first_removal_is_survived()
    {
        foreach (var seed in Seeds)
        {
            var options = Options([new CrashFault(250, 2) { Then = FollowUp.CrashAfterFirstRemoved, ThenMember = seed % 2 == 0 ? MemberRef.Coordinator : MemberRef.NotCoordinator }]);
            RunClean(options, [seed], r =>
            {
                Assert.Single(r.Faults!.Events.OfType<MemberCrashed>(), c => c.Cause == CrashCause.AfterFirstRemoved);
                Assert.Equal(3, AssertCommonFinalView(r).Members.Length);
            });
        }
    }

    [Fact]
    public void Join_during_a_burst_the_joiner_loads_a_snapshot_then_delivers()
    {
        // Steady traffic from everyone, and a burst of 25 broadcasts from m0 around the join.
        var workload = new List<PlannedBroadcast>();
        for (var t = 0; t < 600; t += 4) workload.Add(new PlannedBroadcast(t, t / 4 % 5, (DeliveryOrder)(t / 4 % 4)));
        for (var k = 0; k < 25; k++) workload.Add(new PlannedBroadcast(310, 0, (DeliveryOrder)(k % 4)));
        workload = workload.OrderBy(b => b.TimeMs).ToList();

        var held = 0;
        foreach (var seed in Seeds)
        {
            var options = Options([new JoinFault(300)]);
            RunClean(options, [seed], r =>
            {
                var joiner = History(r, M(5));
                var load = Assert.Single(joiner.Events.OfType<SnapshotLoadEvent>());
                var first = joiner.Events.First(e => e is SnapshotLoadEvent or ViewEvent or DeliverEvent);
                Assert.IsType<SnapshotLoadEvent>(first);
                Assert.NotEmpty(load.State);
                var view = Views(joiner).First();
                Assert.Equal(load.ViewId, view.ViewId);
                Assert.Contains(M(5), view.Members);
                Assert.NotEmpty(joiner.Events.OfType<DeliverEvent>());
                Assert.All(joiner.Events.OfType<DeliverEvent>(), d => Assert.True(d.Id.ViewId >= load.ViewId));
                Assert.Equal(6, AssertCommonFinalView(r).Members.Length);
                held += r.Faults!.HeldBroadcasts;
            }, workload);
        }
        Assert.True(held > 0, "no broadcast was ever held during the join's flush: the burst missed the view change");
    }

    [Fact]
    public void False_suspicion_that_heals_changes_no_view()
    {
        foreach (var seed in Seeds)
        {
            var suspect = seed % 2 == 0 ? MemberRef.Coordinator : 2;
            var options = Options([new FalseSuspicionFault(200, suspect), new FalseSuspicionFault(500, 3) { Observers = [0, 1, 2, 4] }]);
            RunClean(options, [seed], r =>
            {
                Assert.Equal(2, r.Faults!.FalseSuspicions);
                Assert.Equal(0, r.Faults.ViewInstalls);
                Assert.All(r.History!, h => Assert.Single(Views(h)));
                Assert.Equal(5, AssertCommonFinalView(r).Members.Length);
            });
        }
    }

    [Theory]
    [InlineData(3, new[] { 2 })]
    [InlineData(5, new[] { 3, 4 })]
    public void Partition_and_heal_the_downed_side_stays_stopped_and_the_majority_continues(int members, int[] minority)
    {
        foreach (var seed in Seeds)
        {
            var options = Options([new PartitionFault(300) { Minority = [.. minority] }], members);
            RunClean(options, [seed], r =>
            {
                Assert.Single(r.Faults!.Events.OfType<PartitionHealed>());
                var split = r.History!.SelectMany(h => h.Events).OfType<PartitionEvent>().First();
                Assert.Equal(minority.Select(k => M(k)), split.Minority);
                foreach (var k in minority)
                {
                    var h = History(r, M(k));
                    var stop = Assert.Single(h.Events.OfType<StopEvent>());
                    Assert.Equal(StopReason.Downed, stop.Reason);
                    var after = h.Events.SkipWhile(e => e is not StopEvent).Skip(1).ToList();
                    Assert.DoesNotContain(after, e => e is DeliverEvent or ViewEvent or SnapshotLoadEvent);
                    Assert.Single(Views(h));
                }
                var final = AssertCommonFinalView(r);
                Assert.Equal(members - minority.Length, final.Members.Length);
                Assert.True(final.ViewId > 1);
                // The majority keeps delivering in the new view.
                Assert.All(Correct(r), h => Assert.Contains(h.Events.OfType<DeliverEvent>(), d => d.Id.ViewId > 1));
            });
        }
    }

    [Fact]
    public void A_restarted_member_at_the_same_address_joins_as_a_new_incarnation_and_the_old_one_never_reappears()
    {
        foreach (var seed in Seeds)
        {
            var options = Options([new RestartFault(300, 2)]);
            RunClean(options, [seed], r =>
            {
                Assert.Equal(1, r.Faults!.Restarts);
                var old = History(r, M(2, 1));
                Assert.IsType<CrashEvent>(old.Events[^1]);
                var reborn = History(r, M(2, 2));
                Assert.Single(reborn.Events.OfType<SnapshotLoadEvent>());
                var firstView = Views(reborn).First();
                Assert.Contains(M(2, 2), firstView.Members);
                Assert.DoesNotContain(M(2, 1), firstView.Members);

                // Once a view leaves m2#1 out, no later view names it again.
                var views = r.History!.SelectMany(h => h.Events.OfType<ViewEvent>()).GroupBy(v => v.ViewId).Select(g => g.First()).OrderBy(v => v.ViewId).ToList();
                var droppedAt = views.First(v => !v.Members.Contains(M(2, 1))).ViewId;
                Assert.All(views.Where(v => v.ViewId >= droppedAt), v => Assert.DoesNotContain(M(2, 1), v.Members));

                // Deliveries attributed to the new incarnation are its own messages, sent in views that hold it.
                foreach (var h in r.History!)
                {
                    foreach (var d in h.Events.OfType<DeliverEvent>().Where(d => d.Sender == M(2, 2)))
                        Assert.True(d.Id.ViewId >= firstView.ViewId, $"{h.Member} delivered {d.Id} as from m2#2");
                }
                Assert.Contains(M(2, 2), AssertCommonFinalView(r).Members);
            });
        }
    }

    [Fact]
    public void A_member_that_leaves_stops_with_left_and_the_others_continue()
    {
        foreach (var seed in Seeds)
        {
            var options = Options([new LeaveFault(300, seed % 2 == 0 ? MemberRef.Coordinator : 3)]);
            RunClean(options, [seed], r =>
            {
                var leaver = r.History!.Single(h => h.Events.OfType<StopEvent>().Any());
                Assert.Equal(StopReason.Left, leaver.Events.OfType<StopEvent>().Single().Reason);
                Assert.DoesNotContain(leaver.Member, AssertCommonFinalView(r).Members);
            });
        }
    }
}
