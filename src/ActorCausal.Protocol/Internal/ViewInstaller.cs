using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Installing views at one member: applying a flush commit (each survivor delivers exactly the decided set of old-view
/// messages, then installs the next view or stops), a joiner's first view from its welcome, welcoming joiners, keeping
/// messages of a view not installed yet until it is, and repairing members that missed a commit this member applied.
/// </summary>
internal sealed class ViewInstaller(IViewInstallHost host, GroupMemberSettings settings, MemberCounters counters, MemberRoster roster,
    TotalOrdering total, DeliveryQueues delivery, HeldBroadcasts held, Queue<(FlushCommit Commit, GroupView Closed)> recentCommits)
{
    private const int MaxBufferedFutureMessages = 10_000;
    private const int RecentCommitsKept = 16;
    private readonly List<(MemberId From, ProtocolMessage Message)> _futureMessages = new();
    private long? _commitAskedAt;
    private WelcomeDuty? _welcome;

    /// <summary>A joiner this member welcomes was heard from in the view: it installed it.</summary>
    public void HeardFrom(MemberId member) => _welcome?.Pending.Remove(member);

    /// <summary>The member stopped: nothing kept for a later view.</summary>
    public void Stopped() => _futureMessages.Clear();

    /// <summary>A message of a view this member has not installed: kept (bounded) for when it does.</summary>
    public ReceiveOutcome ReceiveFuture(MemberId from, ProtocolMessage message)
    {
        if (host.Phase == MemberPhase.Flushing && message.ViewId == host.View.Id + 1) AskForMissedCommit(from);
        if (message.ViewId == host.View.Id + 1 && _futureMessages.Count < MaxBufferedFutureMessages && message is not Welcome)
        {
            _futureMessages.Add((from, message));
            return ReceiveOutcome.Accepted;
        }
        return host.Reject(from, RejectReason.FutureView, $"{message.GetType().Name} of view {message.ViewId}, current view is {host.View.Id}.");
    }

    /// <summary>
    /// A message of an earlier view. A member of the current view still flushing the previous one gets the commit it
    /// missed; anything else is refused as stale.
    /// </summary>
    public ReceiveOutcome ReceiveStale(MemberId from, ProtocolMessage message)
    {
        if (RepairMissedCommit(from, message)) return ReceiveOutcome.Duplicate;
        return host.Reject(from, RejectReason.StaleView, $"{message.GetType().Name} of view {message.ViewId}, current view is {host.View.Id}.");
    }

    /// <summary>Flush traffic of a view this member closed, from a member of that view (leavers too): send it the commit it missed.</summary>
    public bool RepairMissedCommit(MemberId from, ProtocolMessage message)
    {
        if (message is not (FlushRequest or FlushReport or FlushPrepareAck or FlushPrepare or LeaveRequest)) return false;
        foreach (var (commit, closed) in recentCommits)
        {
            if (commit.ViewId == message.ViewId && closed.Contains(from)) host.Emit(new Send(from, commit));
        }
        return true;
    }

    public ReceiveOutcome ReceiveWhileJoining(MemberId from, ProtocolMessage message)
    {
        if (message is Welcome welcome)
        {
            if (!welcome.Members.Contains(host.Self)) return host.Reject(from, RejectReason.Malformed, $"Welcome to view {welcome.ViewId} does not list {host.Self}.");
            host.AddWelcomeSnapshots(welcome);
            var view = new GroupView(welcome.ViewId, welcome.Members);
            var standIn = new WelcomeDuty(view, welcome.Joined) { Merged = welcome.Merged, Snapshot = welcome.Snapshot, RetryAtMs = host.Now, RetryBackoffMs = settings.TotalRetryDelayMs };
            standIn.Pending.Remove(host.Self);
            Install(view, welcome.Joined, ImmutableArray<MemberId>.Empty);
            _welcome = standIn; // sent only if every old member is removed (SendWelcomesIfDue)
            return ReceiveOutcome.Accepted;
        }
        if (message is not (FlushRequest or FlushPrepare or FlushCommit) && _futureMessages.Count < MaxBufferedFutureMessages)
        {
            _futureMessages.Add((from, message));
            return ReceiveOutcome.Accepted;
        }
        return ReceiveOutcome.Duplicate;
    }

    /// <summary>Installs <paramref name="view"/> (this member is in it), then sends held broadcasts and replays early messages.</summary>
    public void Install(GroupView view, ImmutableArray<MemberId> joined, ImmutableArray<MemberId> left)
    {
        host.StartView(view);
        roster.Installed(view, left);
        host.Emit(new ViewInstalled(view, joined, left));

        foreach (var h in held.TakeAll())
        {
            // The id is announced before the message can be delivered here, so the send precedes its delivery.
            host.Emit(new HeldBroadcastSent(h.Ticket, new MessageId(host.View.Id, host.Rank, host.ViewState.Seq + 1)));
            host.Send(h.Payload, h.Order, h.DependsOn.Where(d => d.ViewId == view.Id).ToImmutableArray());
        }

        var early = _futureMessages.Where(f => f.Message.ViewId == view.Id).ToList();
        _futureMessages.Clear();
        foreach (var (from, message) in early) host.Receive(from, message);
        host.CoordinateViewChange();
    }

    /// <summary>Delivers exactly the decided old-view messages, then installs the new view (or stops, if left out).</summary>
    public void ApplyCommit(FlushCommit commit)
    {
        var d = commit.Decision;
        if (host.Phase is MemberPhase.Stopped or MemberPhase.Joining || d.ViewId != host.View.Id) return;
        DeliverDecided(d);
        ReportIfDecidedByMinority(d);

        recentCommits.Enqueue((commit, host.View));
        if (recentCommits.Count > RecentCommitsKept) recentCommits.Dequeue();
        counters.ViewChanges++;
        var leaving = roster.IsLeaving(host.Self);
        if (d.NewMembers.IsEmpty)
        {
            if (d.MergeTarget is { } target && !leaving)
            {
                host.StopForMerge(target);
                return;
            }
            host.Stop(leaving ? StopReason.Left : StopReason.ExcludedFromView, $"Every member left: the group ends with view {host.View.Id}.");
            return;
        }
        var next = new GroupView(d.NewViewId, d.NewMembers);
        var joined = next.Members.Where(m => !host.View.Contains(m)).ToImmutableArray();
        var left = host.View.Members.Where(m => !next.Contains(m)).ToImmutableArray();
        if (!next.Contains(host.Self))
        {
            host.Stop(leaving ? StopReason.Left : StopReason.ExcludedFromView, $"View {next.Id} does not include {host.Self}.");
            return;
        }
        _welcome = null;
        if (joined.Length > 0)
        {
            _welcome = new WelcomeDuty(next, joined) { Merged = d.Merged };
            host.Emit(new TakeSnapshot(next.Id));
        }
        host.DeliverMergedSides(d, next.Id);
        Install(next, joined, left);
    }

    /// <summary>
    /// Under majority, a decision made from fewer than half of the closing view's reports may miss a majority-safe message
    /// that members now gone delivered: nothing here can deliver what no reporter held, so delivery goes on and this is
    /// reported (docs/protocol.md, Majority-safe). A decision that does not name its reporters is not judged.
    /// </summary>
    private void ReportIfDecidedByMinority(FlushDecision d)
    {
        if (settings.SafeQuorum != SafeQuorum.Majority || d.Reporters.IsDefaultOrEmpty || d.Reporters.Length * 2 >= host.View.Size) return;
        counters.ViewChangesByMinority++;
        host.Emit(new ViewChangedByMinority(host.View, [.. d.Reporters.Select(k => host.View.Members[k])]));
    }

    /// <summary>Delivers the decision's messages up to its cut, open total-order ones in its order; throws if the cut cannot be reached.</summary>
    private void DeliverDecided(FlushDecision d)
    {
        var v = host.ViewState;
        foreach (var m in d.Messages)
        {
            var log = v.Logs[m.Sender];
            if (m.Sender != host.Rank && m.Sequence > log.Stable && !log.Contains(m.Sequence) && m.Sequence <= d.Cut[m.Sender]) log.Put(m, host.Now);
        }
        foreach (var final in d.TotalOrder)
        {
            if (final.Message.Sequence > v.Logs[final.Message.Sender].Delivered) total.SetFinal(total.EntryFor(final.Message), final.Priority);
        }
        foreach (var entry in total.Entries.Where(e => e.Id.Sequence > d.Cut[e.Id.Sender]).ToList()) total.Remove(entry);
        v.Flush = new FlushDelivery.Committing([.. d.Cut], d.TotalOrder.Select(f => f.Message).ToList());
        delivery.Pump();
        for (var s = 0; s < v.Size; s++)
        {
            if (v.Delivered[s] != d.Cut[s])
                throw new InvalidOperationException($"{host.Self}: the flush of view {host.View.Id} decided {d.Cut[s]} messages of rank {s}, but only {v.Delivered[s]} could be delivered here.");
        }
    }

    /// <summary>Delivers the open total-order messages of a flush strictly in the decided order.</summary>
    public bool DeliverFlushOrder(FlushDelivery.Committing commit)
    {
        var progress = false;
        while (commit.Next < commit.Order.Count)
        {
            var id = commit.Order[commit.Next];
            var log = host.ViewState.Logs[id.Sender];
            if (id.Sequence <= log.Delivered)
            {
                commit.Next++;
                continue;
            }
            if (!total.TryGetEntry(id, out var entry) || !entry.InQueue || log.Delivered != id.Sequence - 1) break;
            total.Remove(entry);
            log.SetFinal(id.Sequence, entry.Final);
            delivery.Deliver(entry.Message!);
            commit.Next++;
            progress = true;
        }
        return progress;
    }

    /// <summary>A member already in the next view: it applied a commit this member missed, so ask it (at most every retry delay).</summary>
    private void AskForMissedCommit(MemberId member)
    {
        if (host.Now - _commitAskedAt < settings.TotalRetryDelayMs || host.View.RankOf(member) < 0) return;
        _commitAskedAt = host.Now;
        host.Emit(new Send(member, host.MissedCommitAsk));
    }

    /// <summary>The application's state at the start of view <paramref name="viewId"/>, for its joiners (ignored unless a welcome waits for it).</summary>
    public void ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot)
    {
        if (_welcome is null || _welcome.View.Id != viewId || _welcome.Snapshot is not null) return;
        _welcome.Snapshot = snapshot;
        _welcome.RetryAtMs = host.Now;
        _welcome.RetryBackoffMs = settings.TotalRetryDelayMs;
        SendWelcomesIfDue();
    }

    /// <summary>
    /// The lowest-ranked old member still here sends its snapshot to joiners not heard from yet; the others stand by.
    /// Once every old member is removed, each joiner that installed the view stands in with the welcome it got (the same
    /// state at the start of the view): a joiner whose welcome was still on its way would otherwise never install, and the
    /// survivors would wait for its flush report for ever (its node is Up, so nothing removes it).
    /// </summary>
    public void SendWelcomesIfDue()
    {
        if (_welcome is not { Snapshot: { } snapshot } w || w.RetryAtMs > host.Now) return;
        w.Pending.RemoveWhere(roster.IsRemoved);
        if (w.Pending.Count == 0) return;
        var oldMembers = host.View.Members.Where(m => !w.Joined.Contains(m) && !roster.IsRemoved(m)).ToList();
        if (oldMembers.Count > 0 ? oldMembers[0] != host.Self : !w.Joined.Contains(host.Self)) return;
        foreach (var joiner in w.Pending)
            host.Emit(new Send(joiner, new Welcome(w.View.Id, w.View.Members, w.Joined, snapshot) { Merged = w.Merged }));
        w.RetryBackoffMs = Math.Min(Math.Max(w.RetryBackoffMs * 2, settings.TotalRetryDelayMs), settings.NakMaxDelayMs);
        w.RetryAtMs = host.Now + w.RetryBackoffMs;
    }
}
