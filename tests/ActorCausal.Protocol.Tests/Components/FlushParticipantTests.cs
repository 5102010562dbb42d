using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>One member's part in a view change, driven directly through a host that records what it is asked to do.</summary>
public class FlushParticipantTests
{
    private const long ViewId = 7;
    private const long RetryMs = 40;

    [Fact]
    public void A_participant_asked_for_its_report_stops_delivering_on_its_own_and_answers_the_coordinator()
    {
        var host = new Host(rank: 1, size: 3);
        var round = new FlushRound(1, 0);

        var outcome = host.Flush.OnRequest(host.Member(0), 0, new FlushRequest(ViewId, round, [host.Member(0), host.Member(1)]));

        Assert.Equal(ReceiveStatus.Accepted, outcome.Status);
        Assert.Same(FlushDelivery.Reported, host.Delivery);
        Assert.True(host.Flushing);
        var send = Assert.Single(host.Effects.OfType<Send>());
        Assert.Equal(host.Member(0), send.To);
        Assert.Equal(round, Assert.IsType<FlushReport>(send.Message).Round);
        Assert.Equal(round, host.Flush.HighestRound);
    }

    [Fact]
    public void A_request_of_a_lower_round_than_one_taken_part_in_gets_the_higher_rounds_report_and_changes_nothing_else()
    {
        var host = new Host(rank: 2, size: 3);
        host.Flush.OnRequest(host.Member(1), 1, new FlushRequest(ViewId, new FlushRound(2, 1), [host.Member(1), host.Member(2)]));
        host.Effects.Clear();

        var outcome = host.Flush.OnRequest(host.Member(0), 0, new FlushRequest(ViewId, new FlushRound(1, 0), [host.Member(0)]));

        Assert.Equal(ReceiveStatus.Duplicate, outcome.Status);
        Assert.Equal(new FlushRound(2, 1), Assert.IsType<FlushReport>(Assert.Single(host.Effects.OfType<Send>()).Message).Round);
        Assert.Equal(new FlushRound(2, 1), host.Flush.HighestRound);
    }

    [Fact]
    public void The_coordinator_prepares_only_once_every_participant_reported_and_commits_only_once_every_one_acknowledged()
    {
        var host = new Host(rank: 0, size: 3);
        ImmutableArray<MemberId> desired = [host.Member(0), host.Member(1)];

        host.Flush.ChangeView(desired, [0, 1, 2]);
        Assert.Equal(2, host.Effects.OfType<Send>().Count(s => s.Message is FlushRequest));
        var round = host.Flush.Coordinator!.Round;

        host.Flush.OnReport(host.Member(1), 1, host.EmptyReport(round));
        Assert.DoesNotContain(host.Effects, e => e is Send { Message: FlushPrepare });
        host.Flush.OnReport(host.Member(2), 2, host.EmptyReport(round));
        var prepares = host.Effects.OfType<Send>().Where(s => s.Message is FlushPrepare).ToList();
        Assert.Equal(2, prepares.Count);
        Assert.Equal<MemberId>(desired, ((FlushPrepare)prepares[0].Message).Decision.NewMembers);

        host.Flush.OnPrepareAck(host.Member(1), 1, new FlushPrepareAck(ViewId, round));
        Assert.Empty(host.Applied);
        host.Flush.OnPrepareAck(host.Member(2), 2, new FlushPrepareAck(ViewId, round));

        var commit = Assert.Single(host.Applied);
        Assert.Equal<MemberId>(desired, commit.Decision.NewMembers);
        Assert.Equal(2, host.Effects.OfType<Send>().Count(s => s.Message is FlushCommit));
    }

    [Fact]
    public void A_new_coordinator_prepares_the_decision_a_participant_prepared_in_a_higher_round_not_its_own()
    {
        var host = new Host(rank: 1, size: 3);
        var first = new FlushRound(1, 0);
        var prepared = host.Decision([host.Member(1), host.Member(2), new MemberId("joiner", 1)]);
        host.Flush.OnPrepare(host.Member(0), 0, new FlushPrepare(ViewId, first, prepared));
        host.Effects.Clear();

        // The old coordinator is gone; this member takes over and wants a smaller view.
        host.Flush.ChangeView([host.Member(1)], [1, 2]);
        var round = host.Flush.Coordinator!.Round;
        Assert.True(round > first);
        host.Flush.OnReport(host.Member(2), 2, host.EmptyReport(round));

        var prepare = Assert.IsType<FlushPrepare>(Assert.Single(host.Effects.OfType<Send>(), s => s.Message is FlushPrepare).Message);
        Assert.Equal<MemberId>(prepared.NewMembers, prepare.Decision.NewMembers);
    }

    [Fact]
    public void An_unanswered_reply_is_repeated_with_doubling_waits_until_a_new_view_starts()
    {
        var host = new Host(rank: 1, size: 2);
        host.Flush.OnRequest(host.Member(0), 0, new FlushRequest(ViewId, new FlushRound(1, 0), [host.Member(0), host.Member(1)]));
        int Reports() => host.Effects.OfType<Send>().Count(s => s.Message is FlushReport);

        host.Now = 2 * RetryMs - 1;
        host.Flush.Tick();
        Assert.Equal(1, Reports());
        host.Now = 2 * RetryMs;
        host.Flush.Tick();
        Assert.Equal(2, Reports());
        host.Now = 2 * RetryMs + 4 * RetryMs - 1;
        host.Flush.Tick();
        Assert.Equal(2, Reports());
        host.Now = 2 * RetryMs + 4 * RetryMs;
        host.Flush.Tick();
        Assert.Equal(3, Reports());

        host.Flush.StartView();
        host.Now += 100 * RetryMs;
        host.Flush.Tick();
        Assert.Equal(3, Reports());
    }

    [Fact]
    public void A_decision_that_cuts_below_what_is_delivered_here_is_refused()
    {
        var host = new Host(rank: 1, size: 2);
        host.Delivered[0] = 3;

        var problem = host.Flush.CheckDecision(host.Decision([host.Member(0), host.Member(1)]) with { Cut = [2, 0] });

        Assert.NotNull(problem);
        Assert.Contains("delivered here already", problem);
    }

    [Fact]
    public void A_decision_that_cuts_at_a_message_neither_held_here_nor_included_is_refused_and_one_that_includes_it_is_not()
    {
        var host = new Host(rank: 1, size: 2);
        var m = new DataMessage(ViewId, 0, 1, DeliveryOrder.Fifo, VectorClock.Of(1, 0), VectorClock.Zero(2), default, [], "x");
        var missing = host.Decision([host.Member(0), host.Member(1)]) with { Cut = [1, 0] };

        Assert.Contains("neither held here nor in the decision", host.Flush.CheckDecision(missing));
        Assert.Null(host.Flush.CheckDecision(missing with { Messages = [m] }));
    }

    private sealed class Host : IFlushHost
    {
        public Host(int rank, int size)
        {
            Rank = rank;
            View = new GroupView(ViewId, Enumerable.Range(0, size).Select(k => new MemberId($"m{k}", 1)));
            Logs = Enumerable.Range(0, size).Select(_ => new SenderLog()).ToArray();
            Delivered = new long[size];
            Flush = new FlushParticipant(this, new GroupMemberSettings { TotalRetryDelayMs = RetryMs, NakMaxDelayMs = 100 * RetryMs });
        }

        public FlushParticipant Flush { get; }
        public SenderLog[] Logs { get; }
        public List<Effect> Effects { get; } = new();
        public List<FlushCommit> Applied { get; } = new();
        public bool Flushing { get; private set; }

        public MemberId Member(int rank) => View.Members[rank];

        public FlushReport EmptyReport(FlushRound round) =>
            new(ViewId, round, VectorClock.Zero(Size), [], [], default, null);

        public FlushDecision Decision(ImmutableArray<MemberId> members) =>
            new(ViewId, ViewId + 1, members, [.. new long[Size]], [], []);

        public GroupView View { get; }
        public int Rank { get; }
        public MemberId Self => View.Members[Rank];
        public long Now { get; set; }
        public int Size => View.Size;
        public long LastSequence => 0;
        public SenderLog Log(int sender) => Logs[sender];
        public long[] Delivered { get; }
        public IEnumerable<TotalEntry> OpenTotals => [];
        public long MaxAgreed => 0;
        public FlushDelivery Delivery { get; set; } = FlushDelivery.Open;

        public void Emit(Effect effect) => Effects.Add(effect);
        public ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail) => ReceiveOutcome.Rejected(reason, detail);
        public string? DataProblem(DataMessage m) => null;
        public int CoordinatorRank() => 0;
        public bool IsRemoved(MemberId member) => false;
        public void EnterFlushing() => Flushing = true;
        public FlushDecision WithMerge(FlushDecision decision) => decision;
        public void ApplyCommit(FlushCommit commit) => Applied.Add(commit);
    }
}
