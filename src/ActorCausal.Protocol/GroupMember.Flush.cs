using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// The view change: the rounds are FlushParticipant's (Internal/FlushParticipant.cs); here the member applies a commit
// (each survivor delivers exactly the decided set of old-view messages and installs the new view), welcomes joiners and
// holds broadcasts while a view changes. See docs/protocol.md.
public sealed partial class GroupMember : IFlushHost
{
    private readonly FlushParticipant _flush;
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
        if (_merging.ProvideSnapshot(viewId, snapshot)) return;
        if (_welcome is null || _welcome.View.Id != viewId || _welcome.Snapshot is not null) return;
        _welcome.Snapshot = snapshot;
        _welcome.RetryAtMs = _now;
        _welcome.RetryBackoffMs = Settings.TotalRetryDelayMs;
        SendWelcomesIfDue();
    }

    private ImmutableArray<MemberId> DesiredMembers()
    {
        if (_merging.Target is not null) return []; // closing this view to merge into another group (GroupMember.Merge.cs)
        return _roster.Desired(View);
    }

    /// <summary>Starts or restarts a flush if this member coordinates and the membership it wants differs from the view.</summary>
    private void CoordinateViewChange()
    {
        if (Phase is not (MemberPhase.Normal or MemberPhase.Flushing)) return;
        if (Settings.Rules.ChangesViewByAgreement) ChangeViewByAgreement();
        else _flush.InstallAlone(DesiredMembers());
    }

    /// <summary>The coordinator (only) starts or restarts a flush round towards the membership it wants.</summary>
    private void ChangeViewByAgreement()
    {
        if (CoordinatorRank() != Rank) return;
        var desired = DesiredMembers();
        var participants = _roster.Participants(View, _viewState.Size);
        _flush.ChangeView(desired, participants);
    }

    /// <summary>Delivers exactly the decided old-view messages, then installs the new view (or stops, if left out).</summary>
    private void ApplyCommit(FlushCommit commit)
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
            if (d.MergeTarget is { } target && !_roster.IsLeaving(Self))
            {
                _merging.StopForMerge(target);
                return;
            }
            Stop(_roster.IsLeaving(Self) ? StopReason.Left : StopReason.ExcludedFromView, $"Every member left: the group ends with view {View.Id}.");
            return;
        }
        var next = new GroupView(d.NewViewId, d.NewMembers);
        var joined = next.Members.Where(m => !View.Contains(m)).ToImmutableArray();
        var left = View.Members.Where(m => !next.Contains(m)).ToImmutableArray();
        if (!next.Contains(Self))
        {
            var reason = _roster.IsLeaving(Self) ? StopReason.Left : StopReason.ExcludedFromView;
            Stop(reason, $"View {next.Id} does not include {Self}.");
            return;
        }
        _welcome = null;
        if (joined.Length > 0)
        {
            _welcome = new WelcomeDuty(next, joined) { Merged = d.Merged };
            _effects.Add(new TakeSnapshot(next.Id));
        }
        _merging.DeliverMergedSides(d, next.Id);
        Install(next, joined, left);
    }

    /// <summary>A member already in the next view: it applied a commit this member missed, so ask it (at most every retry delay).</summary>
    private void AskForMissedCommit(MemberId member)
    {
        if (_now - _commitAskedAt < Settings.TotalRetryDelayMs || View.RankOf(member) < 0) return;
        _commitAskedAt = _now;
        _effects.Add(new Send(member, _flush.LastReply?.Message ?? new FlushPrepareAck(View.Id, _flush.HighestRound)));
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
        w.Pending.RemoveWhere(_roster.IsRemoved);
        if (w.Pending.Count == 0) return;
        var oldMembers = View.Members.Where(m => !w.Joined.Contains(m) && !_roster.IsRemoved(m)).ToList();
        if (oldMembers.Count > 0 ? oldMembers[0] != Self : !w.Joined.Contains(Self)) return;
        foreach (var joiner in w.Pending)
            _effects.Add(new Send(joiner, new Welcome(w.View.Id, w.View.Members, w.Joined, snapshot) { Merged = w.Merged }));
        w.RetryBackoffMs = Math.Min(Math.Max(w.RetryBackoffMs * 2, Settings.TotalRetryDelayMs), Settings.NakMaxDelayMs);
        w.RetryAtMs = _now + w.RetryBackoffMs;
    }

    long[] IFlushHost.Delivered => _viewState.Delivered;
    IEnumerable<TotalEntry> IFlushHost.OpenTotals => _total.Entries;
    long IFlushHost.MaxAgreed => _total.MaxAgreed;
    FlushDelivery IFlushHost.Delivery { get => _viewState.Flush; set => _viewState.Flush = value; }
    string? IFlushHost.DataProblem(DataMessage m) => _delivery.Validate(m)?.Detail;
    void IFlushHost.EnterFlushing() => _lifecycle = Lifecycle.Flushing;
    FlushDecision IFlushHost.WithMerge(FlushDecision decision) => _merging.WithMerge(decision);
    void IFlushHost.ApplyCommit(FlushCommit commit) => ApplyCommit(commit);
}
