using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// The view change. The coordinator asks every survivor for what it holds (FlushRequest / FlushReport), decides one
// outcome, has every survivor prepare it (FlushPrepare / Ack), then commits: each survivor delivers exactly the
// decided set of old-view messages and installs the new view. A survivor that has reported delivers nothing on its
// own until the commit. A new coordinator adopts the decision of the highest prepared round it hears of, so a commit
// that reached anyone is never contradicted. See docs/protocol.md.
public sealed partial class GroupMember
{
    private readonly HeldBroadcasts _held = new();
    private long? _commitAskedAt;
    /// <summary>Commits applied here, by the view they closed, with that view: kept to repair members that missed one.</summary>
    private readonly Queue<(FlushCommit Commit, GroupView Closed)> _recentCommits = new();
    private const int RecentCommitsKept = 16;
    private WelcomeDuty? _welcome;

    private BroadcastResult Hold(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps) =>
        BroadcastResult.Held(_held.Hold(payload, order, deps));

    /// <summary>The application's answer to <see cref="TakeSnapshot"/>.</summary>
    public void ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot)
    {
        if (ProvideMergeSnapshot(viewId, snapshot)) return;
        if (_welcome is null || _welcome.View.Id != viewId || _welcome.Snapshot is not null) return;
        _welcome.Snapshot = snapshot;
        _welcome.RetryAtMs = _now;
        _welcome.RetryBackoffMs = Settings.TotalRetryDelayMs;
        SendWelcomesIfDue();
    }

    internal ImmutableArray<MemberId> DesiredMembers()
    {
        if (_negotiation.Target is not null) return []; // closing this view to merge into another group (GroupMember.Merge.cs)
        var members = View.Members.Where(m => !_removed.Contains(m) && !_leaving.Contains(m)).ToList();
        members.AddRange(_pendingJoins.Where(j => !_removed.Contains(j) && !members.Contains(j)));
        return [.. members];
    }

    /// <summary>Starts or restarts a flush if this member coordinates and the membership it wants differs from the view.</summary>
    private void CoordinateViewChange()
    {
        if (Phase is not (MemberPhase.Normal or MemberPhase.Flushing)) return;
        Settings.Rules.ChangeView(this);
    }

    /// <summary>The coordinator (only) starts or restarts a flush round towards the membership it wants.</summary>
    internal void ChangeViewByAgreement()
    {
        if (CoordinatorRank() != Rank) return;
        var desired = DesiredMembers();
        var participants = Enumerable.Range(0, _viewState.Size).Where(k => !_removed.Contains(View.Members[k])).ToImmutableArray();
        if (_viewState.Coordinator is { } current)
        {
            var sameParticipants = current.Participants.SequenceEqual(participants);
            if (sameParticipants && (current.Stage == FlushStage.Preparing || current.NewMembers.SequenceEqual(desired))) return;
        }
        else if (desired.SequenceEqual(View.Members)) return;
        StartRound(desired, participants); // an empty membership dissolves the group: everyone delivers, then stops
    }

    private void StartRound(ImmutableArray<MemberId> desired, ImmutableArray<int> participants)
    {
        var counter = Math.Max(_viewState.HighestRound.Counter, _viewState.Coordinator?.Round.Counter ?? 0) + 1;
        var round = new FlushRound(counter, Rank);
        var c = _viewState.Coordinator = new FlushCoordination(round, participants, desired, Settings.TotalRetryDelayMs);
        _viewState.HighestRound = round;
        _lifecycle = Lifecycle.Flushing;
        Freeze();
        _viewState.FlushReply = null;
        c.Reports[Rank] = MakeReport(round);
        Settings.Rules.CollectReports(this, c);
    }

    /// <summary>Asks every other participant of <paramref name="c"/> for its report; decides at once if none is needed.</summary>
    internal void RequestReports(FlushCoordination c)
    {
        c.RetryAtMs = _now + c.RetryBackoffMs;
        foreach (var k in c.Participants.Where(k => k != Rank))
            _effects.Add(new Send(View.Members[k], new FlushRequest(View.Id, c.Round, c.NewMembers)));
        if (TryDecideFlush() is { } problem) throw new InvalidOperationException($"{Self}: its own flush report gives no decision: {problem}");
    }

    internal FlushReport MakeReport(FlushRound round)
    {
        var messages = ImmutableArray.CreateBuilder<DataMessage>();
        var finals = ImmutableArray.CreateBuilder<KnownFinal>();
        foreach (var log in _viewState.Logs)
        {
            for (var seq = log.Stable + 1; seq <= log.KnownMax; seq++)
            {
                if (log.Get(seq) is not { } m) continue;
                messages.Add(m);
                if (m.Order == DeliveryOrder.Total && log.TryGetFinal(seq, out var final)) finals.Add(new KnownFinal(m.Id, final));
            }
        }
        foreach (var entry in _total.Entries)
        {
            if (entry.IsFinal) finals.Add(new KnownFinal(entry.Id, entry.Final));
        }
        return new FlushReport(View.Id, round, Clocks.VectorClock.Wrap((long[])_viewState.Delivered.Clone()), messages.ToImmutable(), finals.ToImmutable(),
            _viewState.Prepared?.Round ?? default, _viewState.Prepared?.Decision);
    }

    private ReceiveOutcome OnFlushRequest(MemberId from, int fromRank, FlushRequest request)
    {
        if (request.Round.Coordinator != fromRank)
            return Reject(from, RejectReason.Malformed, $"Flush round {request.Round} names coordinator rank {request.Round.Coordinator}, but came from rank {fromRank}.");
        if (request.Round < _viewState.HighestRound)
        {
            // A coordinator that missed a higher round (its predecessor's) learns of it from this report and starts above it.
            _effects.Add(new Send(from, MakeReport(_viewState.HighestRound)));
            return ReceiveOutcome.Duplicate;
        }
        if (_viewState.Coordinator is not null && _viewState.Coordinator.Round < request.Round) _viewState.Coordinator = null;
        _viewState.HighestRound = request.Round;
        _lifecycle = Lifecycle.Flushing;
        Freeze();
        Reply(fromRank, MakeReport(request.Round));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnFlushReport(MemberId from, int fromRank, FlushReport report)
    {
        if (_viewState.Coordinator is { } running && report.Round > running.Round)
        {
            if (ReportProblem(report) is { } bad) return Reject(from, bad.Reason, bad.Detail);
            _viewState.HighestRound = report.Round;
            StartRound(running.NewMembers, running.Participants);
            return ReceiveOutcome.Accepted;
        }
        if (_viewState.Coordinator is not { Stage: FlushStage.Collecting } c || report.Round != c.Round) return ReceiveOutcome.Duplicate;
        if (ReportProblem(report) is { } invalid) return Reject(from, invalid.Reason, invalid.Detail);
        var hadEarlier = c.Reports.TryGetValue(fromRank, out var earlier);
        c.Reports[fromRank] = report;
        if (TryDecideFlush() is { } problem)
        {
            if (hadEarlier) c.Reports[fromRank] = earlier!;
            else c.Reports.Remove(fromRank);
            return Reject(from, RejectReason.MalformedFlush, $"Flush report of round {report.Round} completes no decision this member could carry out: {problem}");
        }
        return ReceiveOutcome.Accepted;
    }

    private (RejectReason Reason, string Detail)? ReportProblem(FlushReport report)
    {
        if (report.Delivered is null || report.Delivered.Dimension != _viewState.Size)
            return (RejectReason.WrongClockDimension, $"Flush report with a delivered vector of dimension {report.Delivered?.Dimension} in a view of {_viewState.Size}.");
        return CheckReport(report) is { } problem ? (RejectReason.MalformedFlush, problem) : null;
    }

    /// <summary>Decides once every participant reported; returns why not (changing nothing) if the reports give no decision this member can carry out.</summary>
    private string? TryDecideFlush()
    {
        if (_viewState.Coordinator is not { Stage: FlushStage.Collecting } c || c.Participants.Any(k => !c.Reports.ContainsKey(k))) return null;
        var adopted = c.Reports.Values.Where(r => r.Prepared is not null).MaxBy(r => r.PreparedRound);
        FlushDecision decision;
        try
        {
            decision = adopted?.Prepared ?? WithMerge(Decide(c.Reports, c.NewMembers));
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            return e.Message; // the decider is pure: contradictory reports leave nothing half-done
        }
        if (CheckDecision(decision) is { } problem) return problem;
        c.Decision = decision;
        c.Stage = FlushStage.Preparing;
        c.RetryBackoffMs = Settings.TotalRetryDelayMs;
        c.RetryAtMs = _now + c.RetryBackoffMs;
        _viewState.Prepared = (c.Round, c.Decision);
        c.Acks.Add(Rank);
        // One message for every participant: the runtime serializes (and chunks) a large decision once.
        var prepare = new FlushPrepare(View.Id, c.Round, c.Decision);
        foreach (var k in c.Participants.Where(k => k != Rank))
            _effects.Add(new Send(View.Members[k], prepare));
        TryCommitFlush();
        return null;
    }

    private ReceiveOutcome OnFlushPrepare(MemberId from, int fromRank, FlushPrepare prepare)
    {
        if (prepare.Round < _viewState.HighestRound)
        {
            _effects.Add(new Send(from, MakeReport(_viewState.HighestRound)));
            return ReceiveOutcome.Duplicate;
        }
        if (prepare.Decision?.ViewId != View.Id || prepare.Decision.Cut.IsDefault || prepare.Decision.Cut.Length != _viewState.Size)
            return Reject(from, RejectReason.Malformed, $"Flush decision of round {prepare.Round} does not fit {View}.");
        if (prepare.Round.Coordinator != fromRank)
            return Reject(from, RejectReason.Malformed, $"Flush round {prepare.Round} names coordinator rank {prepare.Round.Coordinator}, but came from rank {fromRank}.");
        if (CheckDecision(prepare.Decision) is { } problem)
            return Reject(from, RejectReason.MalformedFlush, $"Flush prepare of round {prepare.Round} refused: {problem}");
        if (_viewState.Coordinator is not null && _viewState.Coordinator.Round < prepare.Round) _viewState.Coordinator = null;
        _viewState.HighestRound = prepare.Round;
        _lifecycle = Lifecycle.Flushing;
        Freeze();
        _viewState.Prepared = (prepare.Round, prepare.Decision);
        Reply(fromRank, new FlushPrepareAck(View.Id, prepare.Round));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnFlushPrepareAck(MemberId from, int fromRank, FlushPrepareAck ack)
    {
        if (_viewState.Coordinator is not { Stage: FlushStage.Preparing } c || ack.Round != c.Round) return ReceiveOutcome.Duplicate;
        c.Acks.Add(fromRank);
        TryCommitFlush();
        return ReceiveOutcome.Accepted;
    }

    private void TryCommitFlush()
    {
        if (_viewState.Coordinator is not { Stage: FlushStage.Preparing } c || c.Participants.Any(k => !c.Acks.Contains(k))) return;
        var commit = new FlushCommit(View.Id, c.Round, c.Decision!);
        foreach (var k in c.Participants.Where(k => k != Rank)) _effects.Add(new Send(View.Members[k], commit));
        ApplyCommit(commit);
    }

    private ReceiveOutcome OnFlushCommit(MemberId from, int fromRank, FlushCommit commit)
    {
        if (commit.Decision?.ViewId != View.Id || commit.Decision.Cut.IsDefault || commit.Decision.Cut.Length != _viewState.Size)
            return Reject(from, RejectReason.Malformed, $"Flush commit for view {commit.Decision?.ViewId} does not fit {View}.");
        if (CheckDecision(commit.Decision) is { } problem)
            return Reject(from, RejectReason.MalformedFlush, $"Flush commit of round {commit.Round} refused: {problem}");
        ApplyCommit(commit);
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Sends a flush answer and remembers it, so that it is repeated (with back-off) until the flush ends.</summary>
    private void Reply(int to, ProtocolMessage message)
    {
        _effects.Add(new Send(View.Members[to], message));
        _viewState.FlushReply = (to, message, _now + Settings.TotalRetryDelayMs * 2, Settings.TotalRetryDelayMs * 2);
    }

    /// <summary>The decision rule (<see cref="FlushDecider"/>) over this view.</summary>
    internal FlushDecision Decide(IReadOnlyDictionary<int, FlushReport> reports, ImmutableArray<MemberId> newMembers) =>
        FlushDecider.Decide(View.Id, _viewState.Size, reports, newMembers, _total.MaxAgreed, Self, View.Members, Settings.Rules);

    /// <summary>Delivers exactly the decided old-view messages, then installs the new view (or stops, if left out).</summary>
    internal void ApplyCommit(FlushCommit commit)
    {
        var d = commit.Decision;
        if (Phase is MemberPhase.Stopped or MemberPhase.Joining || d.ViewId != View.Id) return;
        foreach (var m in d.Messages)
        {
            var log = _viewState.Logs[m.Sender];
            if (m.Sender != Rank && m.Sequence > log.Stable && !log.Contains(m.Sequence) && m.Sequence <= d.Cut[m.Sender]) log.Put(m, _now);
        }
        foreach (var final in d.TotalOrder)
        {
            if (final.Message.Sequence > _viewState.Logs[final.Message.Sender].Delivered) _total.SetFinal(_total.EntryFor(final.Message), final.Priority);
        }
        foreach (var entry in _total.Entries.Where(e => e.Id.Sequence > d.Cut[e.Id.Sender]).ToList()) _total.Remove(entry);
        BeginCommit(d);
        Pump();
        for (var s = 0; s < _viewState.Size; s++)
        {
            if (_viewState.Delivered[s] != d.Cut[s])
                throw new InvalidOperationException($"{Self}: the flush of view {View.Id} decided {d.Cut[s]} messages of rank {s}, but only {_viewState.Delivered[s]} could be delivered here.");
        }

        _recentCommits.Enqueue((commit, View));
        if (_recentCommits.Count > RecentCommitsKept) _recentCommits.Dequeue();
        _counters.ViewChanges++;
        if (d.NewMembers.IsEmpty)
        {
            if (d.MergeTarget is { } target && !_leaving.Contains(Self))
            {
                StopForMerge(target);
                return;
            }
            Stop(_leaving.Contains(Self) ? StopReason.Left : StopReason.ExcludedFromView, $"Every member left: the group ends with view {View.Id}.");
            return;
        }
        var next = new GroupView(d.NewViewId, d.NewMembers);
        var joined = next.Members.Where(m => !View.Contains(m)).ToImmutableArray();
        var left = View.Members.Where(m => !next.Contains(m)).ToImmutableArray();
        if (!next.Contains(Self))
        {
            var reason = _leaving.Contains(Self) ? StopReason.Left : StopReason.ExcludedFromView;
            Stop(reason, $"View {next.Id} does not include {Self}.");
            return;
        }
        _welcome = null;
        if (joined.Length > 0)
        {
            _welcome = new WelcomeDuty(next, joined) { Merged = d.Merged };
            _effects.Add(new TakeSnapshot(next.Id));
        }
        DeliverMergedSides(d, next.Id);
        Install(next, joined, left);
    }

    /// <summary>Repeats unanswered flush messages with back-off: requests and prepares from the coordinator, replies from the others.</summary>
    private void FlushTick()
    {
        if (_viewState.Coordinator is { } c && c.RetryAtMs <= _now)
        {
            c.RetryBackoffMs = Math.Min(c.RetryBackoffMs * 2, Settings.NakMaxDelayMs);
            c.RetryAtMs = _now + c.RetryBackoffMs;
            var collecting = c.Stage == FlushStage.Collecting;
            ProtocolMessage again = collecting
                ? new FlushRequest(View.Id, c.Round, c.NewMembers)
                : new FlushPrepare(View.Id, c.Round, c.Decision!);
            foreach (var k in c.Participants.Where(k => k != Rank))
                if (collecting ? !c.Reports.ContainsKey(k) : !c.Acks.Contains(k))
                    _effects.Add(new Send(View.Members[k], again));
        }
        if (_viewState.FlushReply is { } reply && reply.RetryAtMs <= _now)
        {
            // If the member asked is gone, the current coordinator either runs a new round or already applied a
            // commit this member missed; either way it answers.
            var to = _removed.Contains(View.Members[reply.To]) ? CoordinatorRank() : reply.To;
            if (to != Rank) _effects.Add(new Send(View.Members[to], reply.Message));
            var backoff = Math.Min(reply.BackoffMs * 2, Settings.NakMaxDelayMs);
            _viewState.FlushReply = reply with { RetryAtMs = _now + backoff, BackoffMs = backoff };
        }
    }

    /// <summary>A member already in the next view: it applied a commit this member missed, so ask it (at most every retry delay).</summary>
    private void AskForMissedCommit(MemberId member)
    {
        if (_now - _commitAskedAt < Settings.TotalRetryDelayMs || View.RankOf(member) < 0) return;
        _commitAskedAt = _now;
        _effects.Add(new Send(member, _viewState.FlushReply?.Message ?? new FlushPrepareAck(View.Id, _viewState.HighestRound)));
    }

    /// <summary>This member reported to a flush (or started one): from now on only the flush's decision delivers.</summary>
    private void Freeze()
    {
        if (_viewState.Flush is not FlushDelivery.Committing) _viewState.Flush = FlushDelivery.Reported;
    }

    /// <summary>Applying the commit of <paramref name="d"/>: deliver up to its cut, open total-order messages in its order.</summary>
    private void BeginCommit(FlushDecision d) =>
        _viewState.Flush = new FlushDelivery.Committing([.. d.Cut], d.TotalOrder.Select(f => f.Message).ToList());

    /// <summary>Delivers the open total-order messages of a flush strictly in the decided order.</summary>
    private bool DeliverFlushOrder(FlushDelivery.Committing commit)
    {
        var progress = false;
        while (commit.Next < commit.Order.Count)
        {
            var id = commit.Order[commit.Next];
            var log = _viewState.Logs[id.Sender];
            if (id.Sequence <= log.Delivered)
            {
                commit.Next++;
                continue;
            }
            if (!_total.TryGetEntry(id, out var entry) || !entry.InQueue || log.Delivered != id.Sequence - 1) break;
            _total.Remove(entry);
            log.SetFinal(id.Sequence, entry.Final);
            DeliverNow(entry.Message!);
            commit.Next++;
            progress = true;
        }
        return progress;
    }

    /// <summary>
    /// The lowest-ranked old member still here sends its snapshot to joiners not heard from yet; the others stand by.
    /// Once every old member is removed, each joiner that installed the view stands in with the welcome it got (the same
    /// state at the start of the view): a joiner whose welcome was still on its way would otherwise never install, and the
    /// survivors would wait for its flush report for ever (its node is Up, so nothing removes it).
    /// </summary>
    private void SendWelcomesIfDue()
    {
        if (_welcome is not { Snapshot: { } snapshot } w || w.RetryAtMs > _now) return;
        w.Pending.RemoveWhere(_removed.Contains);
        if (w.Pending.Count == 0) return;
        var oldMembers = View.Members.Where(m => !w.Joined.Contains(m) && !_removed.Contains(m)).ToList();
        if (oldMembers.Count > 0 ? oldMembers[0] != Self : !w.Joined.Contains(Self)) return;
        foreach (var joiner in w.Pending)
            _effects.Add(new Send(joiner, new Welcome(w.View.Id, w.View.Members, w.Joined, snapshot) { Merged = w.Merged }));
        w.RetryBackoffMs = Math.Min(Math.Max(w.RetryBackoffMs * 2, Settings.TotalRetryDelayMs), Settings.NakMaxDelayMs);
        w.RetryAtMs = _now + w.RetryBackoffMs;
    }
}
