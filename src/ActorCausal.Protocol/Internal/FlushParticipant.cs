using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// One member's part in the view change of its current view, as participant and, when it coordinates, as coordinator.
/// The coordinator asks every survivor for what it holds (FlushRequest / FlushReport), decides one outcome, has every
/// survivor prepare it (FlushPrepare / Ack), then commits. A survivor that has reported delivers nothing on its own until
/// the commit (<see cref="FlushDelivery"/>). A new coordinator adopts the decision of the highest prepared round it
/// hears of, so a commit that reached anyone is never contradicted. Owns the highest round heard of, the prepared
/// decision, the coordinator's round and the answer repeated until the flush ends; <see cref="StartView"/> forgets them.
/// Applying a commit (delivery, then the new view) is the member's. See docs/protocol.md.
/// </summary>
internal sealed class FlushParticipant
{
    private readonly IFlushHost _host;
    private readonly GroupMemberSettings _settings;
    private readonly FlushChecks _checks;

    public FlushParticipant(IFlushHost host, GroupMemberSettings settings)
    {
        _host = host;
        _settings = settings;
        _checks = new FlushChecks(host, settings.Rules);
    }

    /// <summary>The highest round this member took part in (or heard of from a report).</summary>
    public FlushRound HighestRound { get; private set; }

    /// <summary>The decision this member prepared, with its round: a later coordinator adopts the highest.</summary>
    public (FlushRound Round, FlushDecision Decision)? Prepared { get; private set; }

    /// <summary>The round this member coordinates, if any.</summary>
    public FlushCoordination? Coordinator { get; private set; }

    /// <summary>This member's last flush answer, repeated with back-off until the flush ends.</summary>
    public (int To, ProtocolMessage Message, long RetryAtMs, long BackoffMs)? LastReply { get; private set; }

    /// <summary>A new view: no round, nothing prepared.</summary>
    public void StartView()
    {
        HighestRound = default;
        Prepared = null;
        Coordinator = null;
        LastReply = null;
    }

    public string? CheckDecision(FlushDecision? d) => _checks.CheckDecision(d);

    /// <summary>
    /// The coordinator starts or restarts a round towards <paramref name="desired"/> with <paramref name="participants"/>
    /// (ranks): unless the round running already has them, or the membership wanted is the view's.
    /// </summary>
    public void ChangeView(ImmutableArray<MemberId> desired, ImmutableArray<int> participants)
    {
        if (Coordinator is { } current)
        {
            var sameParticipants = current.Participants.SequenceEqual(participants);
            if (sameParticipants && (current.Stage == FlushStage.Preparing || current.NewMembers.SequenceEqual(desired))) return;
        }
        else if (desired.SequenceEqual(_host.View.Members)) return;
        StartRound(desired, participants); // an empty membership dissolves the group: everyone delivers, then stops
    }

    private void StartRound(ImmutableArray<MemberId> desired, ImmutableArray<int> participants)
    {
        var counter = Math.Max(HighestRound.Counter, Coordinator?.Round.Counter ?? 0) + 1;
        var round = new FlushRound(counter, _host.Rank);
        var c = Coordinator = new FlushCoordination(round, participants, desired, _settings.TotalRetryDelayMs);
        HighestRound = round;
        _host.EnterFlushing();
        Freeze();
        LastReply = null;
        c.Reports[_host.Rank] = MakeReport(round);
        if (_settings.Rules.CollectsReports) RequestReports(c);
        else CommitAlone(c);
    }

    /// <summary>The broken rule (<see cref="ProtocolRules.CollectsReports"/> false): decide and commit from the own report alone.</summary>
    private void CommitAlone(FlushCoordination c)
    {
        var own = new Dictionary<int, FlushReport> { [_host.Rank] = c.Reports[_host.Rank] };
        var commit = new FlushCommit(_host.View.Id, c.Round, Decide(own, c.NewMembers));
        foreach (var k in c.Participants.Where(k => k != _host.Rank)) _host.Emit(new Send(_host.View.Members[k], commit));
        _host.ApplyCommit(commit);
    }

    /// <summary>
    /// The broken rule (<see cref="ProtocolRules.ChangesViewByAgreement"/> false): install the membership this member
    /// wants from its own report, with no round.
    /// </summary>
    public void InstallAlone(ImmutableArray<MemberId> desired)
    {
        if (desired.SequenceEqual(_host.View.Members)) return;
        var own = new Dictionary<int, FlushReport> { [_host.Rank] = MakeReport(default) };
        _host.ApplyCommit(new FlushCommit(_host.View.Id, default, Decide(own, desired)));
    }

    /// <summary>Asks every other participant of <paramref name="c"/> for its report; decides at once if none is needed.</summary>
    private void RequestReports(FlushCoordination c)
    {
        c.RetryAtMs = _host.Now + c.RetryBackoffMs;
        foreach (var k in c.Participants.Where(k => k != _host.Rank))
            _host.Emit(new Send(_host.View.Members[k], new FlushRequest(_host.View.Id, c.Round, c.NewMembers)));
        if (TryDecide() is { } problem) throw new InvalidOperationException($"{_host.Self}: its own flush report gives no decision: {problem}");
    }

    /// <summary>What this member holds above the stable prefix, the finals it knows, its delivered vector and what it prepared.</summary>
    public FlushReport MakeReport(FlushRound round)
    {
        var messages = ImmutableArray.CreateBuilder<DataMessage>();
        var finals = ImmutableArray.CreateBuilder<KnownFinal>();
        for (var k = 0; k < _host.Size; k++)
        {
            var log = _host.Log(k);
            for (var seq = log.Stable + 1; seq <= log.KnownMax; seq++)
            {
                if (log.Get(seq) is not { } m) continue;
                messages.Add(m);
                if (m.Order == DeliveryOrder.Total && log.TryGetFinal(seq, out var final)) finals.Add(new KnownFinal(m.Id, final));
            }
        }
        foreach (var entry in _host.OpenTotals)
        {
            if (entry.IsFinal) finals.Add(new KnownFinal(entry.Id, entry.Final));
        }
        return new FlushReport(_host.View.Id, round, VectorClock.Wrap((long[])_host.Delivered.Clone()), messages.ToImmutable(), finals.ToImmutable(),
            Prepared?.Round ?? default, Prepared?.Decision);
    }

    /// <summary>The decision rule (<see cref="FlushDecider"/>) over this view.</summary>
    public FlushDecision Decide(IReadOnlyDictionary<int, FlushReport> reports, ImmutableArray<MemberId> newMembers) =>
        FlushDecider.Decide(_host.View.Id, _host.Size, reports, newMembers, _host.MaxAgreed, _host.Self, _host.View.Members, _settings.Rules);

    public ReceiveOutcome OnRequest(MemberId from, int fromRank, FlushRequest request)
    {
        if (request.Round.Coordinator != fromRank)
            return _host.Reject(from, RejectReason.Malformed, $"Flush round {request.Round} names coordinator rank {request.Round.Coordinator}, but came from rank {fromRank}.");
        if (request.Round < HighestRound)
        {
            // A coordinator that missed a higher round (its predecessor's) learns of it from this report and starts above it.
            _host.Emit(new Send(from, MakeReport(HighestRound)));
            return ReceiveOutcome.Duplicate;
        }
        if (Coordinator is not null && Coordinator.Round < request.Round) Coordinator = null;
        HighestRound = request.Round;
        _host.EnterFlushing();
        Freeze();
        Reply(fromRank, MakeReport(request.Round));
        return ReceiveOutcome.Accepted;
    }

    public ReceiveOutcome OnReport(MemberId from, int fromRank, FlushReport report)
    {
        if (Coordinator is { } running && report.Round > running.Round)
        {
            if (_checks.ReportProblem(report) is { } bad) return _host.Reject(from, bad.Reason, bad.Detail);
            HighestRound = report.Round;
            StartRound(running.NewMembers, running.Participants);
            return ReceiveOutcome.Accepted;
        }
        if (Coordinator is not { Stage: FlushStage.Collecting } c || report.Round != c.Round) return ReceiveOutcome.Duplicate;
        if (_checks.ReportProblem(report) is { } invalid) return _host.Reject(from, invalid.Reason, invalid.Detail);
        var hadEarlier = c.Reports.TryGetValue(fromRank, out var earlier);
        c.Reports[fromRank] = report;
        if (TryDecide() is { } problem)
        {
            if (hadEarlier) c.Reports[fromRank] = earlier!;
            else c.Reports.Remove(fromRank);
            return _host.Reject(from, RejectReason.MalformedFlush, $"Flush report of round {report.Round} completes no decision this member could carry out: {problem}");
        }
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Decides once every participant reported; returns why not (changing nothing) if the reports give no decision this member can carry out.</summary>
    private string? TryDecide()
    {
        if (Coordinator is not { Stage: FlushStage.Collecting } c || c.Participants.Any(k => !c.Reports.ContainsKey(k))) return null;
        var adopted = c.Reports.Values.Where(r => r.Prepared is not null).MaxBy(r => r.PreparedRound);
        FlushDecision decision;
        try
        {
            decision = adopted?.Prepared ?? _host.WithMerge(Decide(c.Reports, c.NewMembers));
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            return e.Message; // the decider is pure: contradictory reports leave nothing half-done
        }
        if (CheckDecision(decision) is { } problem) return problem;
        c.Decision = decision;
        c.Stage = FlushStage.Preparing;
        c.RetryBackoffMs = _settings.TotalRetryDelayMs;
        c.RetryAtMs = _host.Now + c.RetryBackoffMs;
        Prepared = (c.Round, c.Decision);
        c.Acks.Add(_host.Rank);
        // One message for every participant: the runtime serializes (and chunks) a large decision once.
        var prepare = new FlushPrepare(_host.View.Id, c.Round, c.Decision);
        foreach (var k in c.Participants.Where(k => k != _host.Rank))
            _host.Emit(new Send(_host.View.Members[k], prepare));
        TryCommit();
        return null;
    }

    public ReceiveOutcome OnPrepare(MemberId from, int fromRank, FlushPrepare prepare)
    {
        var view = _host.View;
        if (prepare.Round < HighestRound)
        {
            _host.Emit(new Send(from, MakeReport(HighestRound)));
            return ReceiveOutcome.Duplicate;
        }
        if (prepare.Decision?.ViewId != view.Id || prepare.Decision.Cut.IsDefault || prepare.Decision.Cut.Length != _host.Size)
            return _host.Reject(from, RejectReason.Malformed, $"Flush decision of round {prepare.Round} does not fit {view}.");
        if (prepare.Round.Coordinator != fromRank)
            return _host.Reject(from, RejectReason.Malformed, $"Flush round {prepare.Round} names coordinator rank {prepare.Round.Coordinator}, but came from rank {fromRank}.");
        if (CheckDecision(prepare.Decision) is { } problem)
            return _host.Reject(from, RejectReason.MalformedFlush, $"Flush prepare of round {prepare.Round} refused: {problem}");
        if (Coordinator is not null && Coordinator.Round < prepare.Round) Coordinator = null;
        HighestRound = prepare.Round;
        _host.EnterFlushing();
        Freeze();
        Prepared = (prepare.Round, prepare.Decision);
        Reply(fromRank, new FlushPrepareAck(view.Id, prepare.Round));
        return ReceiveOutcome.Accepted;
    }

    public ReceiveOutcome OnPrepareAck(MemberId from, int fromRank, FlushPrepareAck ack)
    {
        if (Coordinator is not { Stage: FlushStage.Preparing } c || ack.Round != c.Round) return ReceiveOutcome.Duplicate;
        c.Acks.Add(fromRank);
        TryCommit();
        return ReceiveOutcome.Accepted;
    }

    private void TryCommit()
    {
        if (Coordinator is not { Stage: FlushStage.Preparing } c || c.Participants.Any(k => !c.Acks.Contains(k))) return;
        var commit = new FlushCommit(_host.View.Id, c.Round, c.Decision!);
        foreach (var k in c.Participants.Where(k => k != _host.Rank)) _host.Emit(new Send(_host.View.Members[k], commit));
        _host.ApplyCommit(commit);
    }

    public ReceiveOutcome OnCommit(MemberId from, int fromRank, FlushCommit commit)
    {
        if (commit.Decision?.ViewId != _host.View.Id || commit.Decision.Cut.IsDefault || commit.Decision.Cut.Length != _host.Size)
            return _host.Reject(from, RejectReason.Malformed, $"Flush commit for view {commit.Decision?.ViewId} does not fit {_host.View}.");
        if (CheckDecision(commit.Decision) is { } problem)
            return _host.Reject(from, RejectReason.MalformedFlush, $"Flush commit of round {commit.Round} refused: {problem}");
        _host.ApplyCommit(commit);
        return ReceiveOutcome.Accepted;
    }

    /// <summary>Sends a flush answer and remembers it, so that it is repeated (with back-off) until the flush ends.</summary>
    private void Reply(int to, ProtocolMessage message)
    {
        _host.Emit(new Send(_host.View.Members[to], message));
        LastReply = (to, message, _host.Now + _settings.TotalRetryDelayMs * 2, _settings.TotalRetryDelayMs * 2);
    }

    /// <summary>Repeats unanswered flush messages with back-off: requests and prepares from the coordinator, replies from the others.</summary>
    public void Tick()
    {
        var now = _host.Now;
        var view = _host.View;
        if (Coordinator is { } c && c.RetryAtMs <= now)
        {
            c.RetryBackoffMs = Math.Min(c.RetryBackoffMs * 2, _settings.NakMaxDelayMs);
            c.RetryAtMs = now + c.RetryBackoffMs;
            var collecting = c.Stage == FlushStage.Collecting;
            ProtocolMessage again = collecting
                ? new FlushRequest(view.Id, c.Round, c.NewMembers)
                : new FlushPrepare(view.Id, c.Round, c.Decision!);
            foreach (var k in c.Participants.Where(k => k != _host.Rank))
                if (collecting ? !c.Reports.ContainsKey(k) : !c.Acks.Contains(k))
                    _host.Emit(new Send(view.Members[k], again));
        }
        if (LastReply is { } reply && reply.RetryAtMs <= now)
        {
            // If the member asked is gone, the current coordinator either runs a new round or already applied a
            // commit this member missed; either way it answers.
            var to = _host.IsRemoved(view.Members[reply.To]) ? _host.CoordinatorRank() : reply.To;
            if (to != _host.Rank) _host.Emit(new Send(view.Members[to], reply.Message));
            var backoff = Math.Min(reply.BackoffMs * 2, _settings.NakMaxDelayMs);
            LastReply = reply with { RetryAtMs = now + backoff, BackoffMs = backoff };
        }
    }

    /// <summary>This member reported to a flush (or started one): from now on only the flush's decision delivers.</summary>
    private void Freeze()
    {
        if (_host.Delivery is not FlushDelivery.Committing) _host.Delivery = FlushDelivery.Reported;
    }
}
