using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Checking.Checks;
using static ActorCausal.Protocol.Tests.Simulation.Checks.CheckTestSupport;

namespace ActorCausal.Protocol.Tests.Simulation.Checks;

/// <summary>
/// One test per check of the facts the simulator records (<see cref="RunFacts"/>): hand-built facts that break exactly
/// that check's rule, the violation worked out by hand. Histories without facts (logs, hand-built) are never judged by them.
/// </summary>
public class SimulatorFactCheckTests
{
    private static readonly RunOutcome Unsettled = new() { FaultsOn = true, Quiescent = false, EndTimeMs = 500, LastBroadcastMs = 400 };

    private static MemberEndState Settled(RunOutcome run, long view, params MemberId[] members) => new()
    {
        Run = run, Correct = true, Phase = MemberPhase.Normal, ViewId = view, ViewMembers = [.. members], BuffersMustEmpty = true,
    };

    private static IReadOnlyList<MemberHistory> TwoInViewOne() => new HistoryBuilder().ViewAll(1, A, B).Build();

    private static IReadOnlyList<MemberHistory> Ended(IReadOnlyList<MemberHistory> h, MemberEndState a, MemberEndState b) =>
        WithFacts(WithFacts(h, A, new RunFacts { End = a }), B, new RunFacts { End = b });

    [Fact]
    public void Membership_a_view_drops_a_member_the_cluster_never_removed_and_that_never_left()
    {
        var h = new HistoryBuilder().ViewAll(1, A, B).View(A, 2, A).Build();
        var install = new InstallFacts(2, [A], ImmutableArray.Create(A, B), RemovedByCluster: [], LeaveCalled: [], AskedToJoin: [],
            Founders: [A, B], Existing: [A, B], TimeMs: 70);
        var v = BreaksOnly(new MembershipCheck(), WithFacts(h, A, new RunFacts { Installs = [install] }), ViolationKind.Membership, A, []);
        Assert.Equal("at 70 ms installed view 2 without b#1, which the cluster never removed and which never left", v.Detail);

        var removed = install with { RemovedByCluster = [B] };
        Assert.Empty(InvariantChecker.Check(WithFacts(h, A, new RunFacts { Installs = [removed] }), false));
    }

    [Fact]
    public void Membership_a_view_names_a_joiner_that_never_asked_to_join()
    {
        var h = new HistoryBuilder().ViewAll(1, A, B).View(A, 2, A, B, C).View(B, 2, A, B, C).View(C, 2, A, B, C).Build();
        var install = new InstallFacts(2, [A, B, C], ImmutableArray.Create(A, B), [], [], AskedToJoin: [], Founders: [A, B], Existing: [A, B, C], TimeMs: 90);
        var v = BreaksOnly(new MembershipCheck(), WithFacts(h, B, new RunFacts { Installs = [install] }), ViolationKind.Membership, B, []);
        Assert.Contains("with c#1, which never asked to join", v.Detail);
    }

    [Fact]
    public void Creation_the_protocol_sends_a_held_broadcast_for_a_ticket_it_never_handed_out()
    {
        var sent = Id(1, 0, 1);
        var h = new HistoryBuilder().AddMember(A).Build();
        var v = BreaksOnly(new CreationCheck(), WithFacts(h, A, new RunFacts { UnknownTickets = [(7, sent)] }), ViolationKind.Creation, A, [sent]);
        Assert.Contains("ticket 7", v.Detail);
    }

    [Fact]
    public void ProtocolError_a_run_in_which_the_protocol_threw_is_reported_once_at_the_member_fed()
    {
        var run = new RunOutcome { ProtocolError = "System.InvalidOperationException: boom", ErrorMember = B };
        var h = Ended(TwoInViewOne(), Settled(run, 1, A, B), Settled(run, 1, A, B));
        var v = BreaksOnly(new ProtocolErrorCheck(), h, ViolationKind.Crash, B, []);
        Assert.Equal("System.InvalidOperationException: boom", v.Detail);
    }

    [Fact]
    public void StableAtEnd_a_member_that_must_empty_its_buffers_still_holds_messages()
    {
        var run = Unsettled with { FaultsOn = false };
        var h = Ended(TwoInViewOne(), Settled(run, 1, A, B) with { Buffered = 3 }, Settled(run, 1, A, B));
        var v = BreaksOnly(new StableAtEndCheck(), h, ViolationKind.UnstableBuffers, A, []);
        Assert.Equal("3 messages still buffered at 500 ms, 100 ms after the last broadcast", v.Detail);

        // A crashed member need not empty its buffers; a quiescent run is not judged.
        Assert.Empty(InvariantChecker.Check(Ended(TwoInViewOne(), Settled(run, 1, A, B) with { Buffered = 3, BuffersMustEmpty = false }, Settled(run, 1, A, B)), false));
        var quiet = run with { Quiescent = true };
        Assert.Empty(InvariantChecker.Check(Ended(TwoInViewOne(), Settled(quiet, 1, A, B) with { Buffered = 3 }, Settled(quiet, 1, A, B)), false));
    }

    [Fact]
    public void LivenessAtEnd_correct_members_end_in_different_views()
    {
        var h = Ended(TwoInViewOne(), Settled(Unsettled, 2, A, B), Settled(Unsettled, 1, A, B));
        var v = BreaksOnly(new LivenessAtEndCheck(), h, ViolationKind.Quiescence, B, []);
        Assert.Equal("at 500 ms: in view 1, a#1 in view 2", v.Detail);
    }

    [Fact]
    public void LivenessAtEnd_held_broadcasts_never_sent_and_a_view_without_a_correct_member()
    {
        // A holds two broadcasts; the common view [a] lacks correct B.
        var h = Ended(TwoInViewOne(), Settled(Unsettled, 2, A) with { HeldUnsent = 2 }, Settled(Unsettled, 2, A));
        var violations = InvariantChecker.Check(h, false);
        Assert.Equal(2, violations.Count);
        Assert.Equal((ViolationKind.Quiescence, A, "at 500 ms: 2 held broadcasts never sent"), (violations[0].Kind, violations[0].Member, violations[0].Detail));
        Assert.Equal((ViolationKind.Quiescence, default(MemberId), "at 500 ms: view 2 is [a#1] but the correct members are [a#1, b#1]"),
            (violations[1].Kind, violations[1].Member, violations[1].Detail));
    }

    [Fact]
    public void The_simulator_records_the_facts_the_checks_judge()
    {
        // m2 crashes at 200 ms: every survivor installs a view without it, which the cluster removed first.
        var r = SimulationRunner.Run(new SimulationOptions { Members = 5, Messages = 60, FaultScript = [new CrashFault(200, 2)] }, 1);
        Assert.Empty(r.Violations);
        var m2 = new MemberId("m2", 1);
        var ends = r.History!.Select(h => h.Facts!.End!).ToList();
        Assert.All(ends, e => Assert.Same(ends[0].Run, e.Run));
        Assert.True(ends[0].Run is { FaultsOn: true, ProtocolError: null } && ends[0].Run.Quiescent == r.Quiescent);
        foreach (var h in r.History!)
        {
            if (h.Member == m2)
            {
                Assert.True(h.Facts!.End!.Gone && !h.Facts.End.Correct);
                continue;
            }
            var without = Assert.Single(h.Facts!.Installs, i => i.Previous is { } p && p.Contains(m2) && !i.Members.Contains(m2));
            Assert.Contains(m2, without.RemovedByCluster);
            Assert.Equal(without.ViewId, h.Facts.End!.ViewId);
        }
    }

    [Fact]
    public void Checks_of_simulator_facts_ignore_histories_without_facts()
    {
        Assert.Empty(InvariantChecker.Check(TwoInViewOne(), true));
    }
}
