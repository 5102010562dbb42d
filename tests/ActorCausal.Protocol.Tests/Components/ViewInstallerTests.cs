using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Applying commits and installing views at one member of view m0, m1, m2, driven directly through a recording host.</summary>
public class ViewInstallerTests
{
    private static readonly MemberId Joiner = new("joiner", 1);

    [Fact]
    public void A_commit_delivers_the_decided_messages_up_to_the_cut_even_one_never_received_here_then_installs_the_next_view()
    {
        var host = new Host(rank: 0);
        host.ViewState.Flush = FlushDelivery.Reported;
        host.Queues.OnData(host.Member(1), Data(1, 1, DeliveryOrder.Fifo, [0, 1, 0]));
        host.Queues.OnData(host.Member(1), Data(1, 3, DeliveryOrder.Fifo, [0, 3, 0]));
        var leaver = host.Member(2);
        var decision = Decision([host.Member(0), host.Member(1), Joiner], [0, 2, 0], Data(1, 2, DeliveryOrder.Fifo, [0, 2, 0]));

        host.Installer.ApplyCommit(Commit(decision));

        Assert.Equal<MessageId>([Id(1, 1), Id(1, 2)], host.DeliveredIds);
        var installed = Assert.Single(host.Effects.OfType<ViewInstalled>());
        Assert.Equal(new GroupView(ViewId + 1, [host.Member(0), host.Member(1), Joiner]), installed.View);
        Assert.Equal<MemberId>([Joiner], installed.Joined);
        Assert.Equal<MemberId>([leaver], installed.Left);
        Assert.Equal(ViewId + 1, Assert.Single(host.Effects.OfType<TakeSnapshot>()).ViewId);
        Assert.Equal(installed.View, host.View);
        Assert.Equal(1, host.Counters.ViewChanges);
    }

    [Fact]
    public void A_member_the_next_view_leaves_out_stops_as_left_if_it_asked_to_leave_and_as_excluded_otherwise()
    {
        var excluded = new Host(rank: 0);
        excluded.Installer.ApplyCommit(Commit(Decision([excluded.Member(1), excluded.Member(2)], [0, 0, 0])));
        var leaver = new Host(rank: 0);
        leaver.Roster.Leave(leaver.Self);
        leaver.Installer.ApplyCommit(Commit(Decision([leaver.Member(1), leaver.Member(2)], [0, 0, 0])));

        Assert.Equal([StopReason.ExcludedFromView], excluded.Stops);
        Assert.Equal([StopReason.Left], leaver.Stops);
        Assert.Empty(excluded.Effects.OfType<ViewInstalled>());
    }

    [Fact]
    public void A_decision_whose_cut_cannot_be_delivered_here_is_an_error_not_a_silent_gap()
    {
        var host = new Host(rank: 0);

        Assert.Throws<InvalidOperationException>(() => host.Installer.ApplyCommit(Commit(Decision([host.Member(0), host.Member(1)], [0, 2, 0]))));
    }

    [Fact]
    public void Messages_of_the_next_view_that_come_early_are_kept_and_replayed_once_it_is_installed_and_later_views_are_refused()
    {
        var host = new Host(rank: 0);
        var early = Data(2, 1, DeliveryOrder.Fifo, [0, 0, 1]) with { ViewId = ViewId + 1 };

        Assert.Equal(ReceiveStatus.Accepted, host.Installer.ReceiveFuture(host.Member(2), early).Status);
        Assert.Equal(RejectReason.FutureView, host.Installer.ReceiveFuture(host.Member(2), early with { ViewId = ViewId + 2 }).Reason);
        Assert.Empty(host.Replayed);
        host.Installer.ApplyCommit(Commit(Decision([.. host.View.Members], [0, 0, 0])));

        Assert.Equal([early], host.Replayed);
    }

    [Fact]
    public void Flush_traffic_of_a_closed_view_from_a_member_of_it_is_answered_with_that_view_s_commit_and_other_stale_messages_are_refused()
    {
        var host = new Host(rank: 0);
        var (m1, m2) = (host.Member(1), host.Member(2));
        var commit = Commit(Decision([host.Member(0), m1], [0, 0, 0]));
        host.Installer.ApplyCommit(commit);
        host.Effects.Clear();

        Assert.Equal(ReceiveStatus.Duplicate, host.Installer.ReceiveStale(m2, new FlushPrepareAck(ViewId, new FlushRound(1, 0))).Status);
        Assert.Equal(ReceiveStatus.Duplicate, host.Installer.ReceiveStale(Joiner, new FlushPrepareAck(ViewId, new FlushRound(1, 0))).Status);
        Assert.Equal(RejectReason.StaleView, host.Installer.ReceiveStale(m1, new Nak(ViewId, 1, 1, 1)).Reason);

        var answer = Assert.IsType<Send>(Assert.Single(host.Effects));
        Assert.Equal((m2, (ProtocolMessage)commit), (answer.To, answer.Message));
    }

    [Fact]
    public void Only_the_lowest_ranked_old_member_welcomes_joiners_once_the_snapshot_is_there_repeating_with_doubling_waits_until_heard_from()
    {
        var lowest = new Host(rank: 0);
        var other = new Host(rank: 1);
        foreach (var host in new[] { lowest, other })
        {
            host.Installer.ApplyCommit(Commit(Decision([host.Member(0), host.Member(1), Joiner], [0, 0, 0])));
            host.Effects.Clear();
            host.Installer.ProvideSnapshot(ViewId + 1, new byte[] { 7 });
        }

        Assert.Empty(other.Effects);
        var welcome = Assert.IsType<Welcome>(Assert.Single(lowest.Effects.OfType<Send>(), s => s.To == Joiner).Message);
        Assert.Equal(ViewId + 1, welcome.ViewId);
        Assert.Equal<byte>([7], welcome.Snapshot.ToArray());
        lowest.Now = 79;
        lowest.Installer.SendWelcomesIfDue();
        Assert.Single(lowest.Effects);
        lowest.Now = 80;
        lowest.Installer.SendWelcomesIfDue();
        Assert.Equal(2, lowest.Effects.Count);
        lowest.Installer.HeardFrom(Joiner);
        lowest.Now = 10_000;
        lowest.Installer.SendWelcomesIfDue();
        Assert.Equal(2, lowest.Effects.Count);
    }

    [Fact]
    public void A_joiner_installs_the_view_its_welcome_names_and_replays_what_came_before_it_but_not_a_welcome_that_leaves_it_out()
    {
        var host = new Host(rank: 2) { Phase = MemberPhase.Joining };
        var early = Data(0, 1, DeliveryOrder.Fifo, [1, 0, 0]) with { ViewId = ViewId + 1 };
        ImmutableArray<MemberId> members = [host.Member(0), host.Member(1), host.Self];

        Assert.Equal(ReceiveStatus.Accepted, host.Installer.ReceiveWhileJoining(host.Member(0), early).Status);
        Assert.Equal(RejectReason.Malformed,
            host.Installer.ReceiveWhileJoining(host.Member(0), new Welcome(ViewId + 1, [host.Member(0), host.Member(1)], [], Array.Empty<byte>())).Reason);
        Assert.Empty(host.Effects.OfType<ViewInstalled>());
        host.Installer.ReceiveWhileJoining(host.Member(0), new Welcome(ViewId + 1, members, [host.Self], Array.Empty<byte>()));

        var installed = Assert.Single(host.Effects.OfType<ViewInstalled>());
        Assert.Equal(new GroupView(ViewId + 1, members), installed.View);
        Assert.Equal<MemberId>([host.Self], installed.Joined);
        Assert.Equal([early], host.Replayed);
    }

    private static FlushDecision Decision(ImmutableArray<MemberId> members, long[] cut, params DataMessage[] messages) =>
        new(ViewId, ViewId + 1, members, [.. cut], [.. messages], []);

    [Theory]
    [InlineData(SafeQuorum.Majority, 4, 1, true)]
    [InlineData(SafeQuorum.Majority, 4, 2, false)]
    [InlineData(SafeQuorum.Majority, 5, 2, true)]
    [InlineData(SafeQuorum.Majority, 5, 3, false)]
    [InlineData(SafeQuorum.All, 5, 1, false)]
    public void Under_majority_a_commit_decided_from_fewer_than_half_of_the_closing_view_is_reported_and_still_applied(SafeQuorum quorum, int size, int reporters, bool reported)
    {
        var host = new Host(rank: 0, size, quorum);
        var closed = host.View;
        var stay = Enumerable.Range(0, reporters).Select(host.Member).ToImmutableArray();

        host.Installer.ApplyCommit(Commit(new FlushDecision(ViewId, ViewId + 1, stay, [.. new long[size]], [], []) { Reporters = [.. Enumerable.Range(0, reporters)] }));

        var report = host.Effects.OfType<ViewChangedByMinority>().SingleOrDefault();
        Assert.Equal(reported, report is not null);
        if (report is not null)
        {
            Assert.Equal(closed, report.Closed);
            Assert.Equal<MemberId>(stay, report.Reporters);
        }
        Assert.Equal(reported ? 1 : 0, host.Counters.ViewChangesByMinority);
        Assert.Equal<MemberId>(stay, host.View.Members);
    }

    private static FlushCommit Commit(FlushDecision decision) => new(ViewId, new FlushRound(1, 0), decision);

    private sealed class Host : RecordingMember, IViewInstallHost, IDeliveryHost
    {
        public Host(int rank, int size = 3, SafeQuorum quorum = SafeQuorum.All) : base(rank, size)
        {
            var settings = new GroupMemberSettings { TotalRetryDelayMs = 40, NakMaxDelayMs = 1_000, SafeQuorum = quorum };
            Total = new TotalOrdering(this, settings, Counters);
            Total.StartView(Size);
            Queues = new DeliveryQueues(this, settings, Counters, Total, new DependencyIndex(64), new HybridLogicalClock(5_000));
            Installer = new ViewInstaller(this, settings, Counters, Roster, Total, Queues, new HeldBroadcasts(), new());
        }

        public TotalOrdering Total { get; }
        public DeliveryQueues Queues { get; }
        public ViewInstaller Installer { get; }
        public MemberRoster Roster { get; } = new();
        public MemberPhase Phase { get; set; } = MemberPhase.Normal;
        public List<StopReason> Stops { get; } = new();
        public List<ProtocolMessage> Replayed { get; } = new();

        public List<MessageId> DeliveredIds => Effects.OfType<Deliver>().Select(d => d.Message.Id).ToList();

        public ProtocolMessage MissedCommitAsk => new FlushPrepareAck(View.Id, default);

        public void StartView(GroupView view)
        {
            var self = Self;
            View = view;
            Rank = view.RankOf(self);
            ViewState = new ViewState(view.Size, Rank);
            Total.StartView(view.Size);
            Phase = MemberPhase.Normal;
        }

        public void Stop(StopReason reason, string detail)
        {
            Stops.Add(reason);
            Phase = MemberPhase.Stopped;
        }

        public void Send(object payload, DeliveryOrder order, ImmutableArray<MessageId> dependsOn) { }

        public ReceiveOutcome Receive(MemberId from, ProtocolMessage message)
        {
            Replayed.Add(message);
            return ReceiveOutcome.Accepted;
        }

        public void CoordinateViewChange() { }
        public void StopForMerge(GroupView target) { }
        public void DeliverMergedSides(FlushDecision decision, long nextViewId) { }
        public void AddWelcomeSnapshots(Welcome welcome) { }

        public bool CausallyReady(DataMessage m) => Queues.CausalPastDelivered(m);
        public bool DeliverAgreedTotal() => ViewState.Flush is FlushDelivery.Committing c ? Installer.DeliverFlushOrder(c) : Total.DeliverAgreed();
        public void NoteSafe(DataMessage m) { }
        public void LearnFrom(DataMessage m) { }
        public override void Pump() => Queues.Pump();
        public override void Deliver(DataMessage m) => Queues.Deliver(m);
    }
}
