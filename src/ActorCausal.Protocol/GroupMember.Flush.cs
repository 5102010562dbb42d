using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// The view change: the rounds are FlushParticipant's (Internal/FlushParticipant.cs), applying a commit and installing
// views ViewInstaller's (Internal/ViewInstaller.cs), when to start one ViewChangeStarter's (Internal/ViewChangeStarter.cs);
// here the member holds broadcasts while a view changes. See docs/protocol.md.
public sealed partial class GroupMember : IFlushHost, IViewInstallHost, IViewChangeHost
{
    private readonly FlushParticipant _flush;
    private readonly HeldBroadcasts _held = new();
    /// <summary>Commits applied here, by the view they closed, with that view: kept to repair members that missed one.</summary>
    private readonly Queue<(FlushCommit Commit, GroupView Closed)> _recentCommits = new();

    private BroadcastResult Hold(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps) =>
        BroadcastResult.Held(_held.Hold(payload, order, deps));

    /// <summary>The application's answer to <see cref="TakeSnapshot"/>.</summary>
    public void ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot)
    {
        if (_merging.ProvideSnapshot(viewId, snapshot)) return;
        _installer.ProvideSnapshot(viewId, snapshot);
    }

    private void CoordinateViewChange() => _starter.Coordinate();

    long[] IFlushHost.Delivered => _viewState.Delivered;
    IEnumerable<TotalEntry> IFlushHost.OpenTotals => _total.Entries;
    long IFlushHost.MaxAgreed => _total.MaxAgreed;
    FlushDelivery IFlushHost.Delivery { get => _viewState.Flush; set => _viewState.Flush = value; }
    string? IFlushHost.DataProblem(DataMessage m) => _delivery.Validate(m)?.Detail;
    void IFlushHost.EnterFlushing() => _lifecycle = Lifecycle.Flushing;
    FlushDecision IFlushHost.WithMerge(FlushDecision decision) => _merging.WithMerge(decision);
    void IFlushHost.ApplyCommit(FlushCommit commit) => _installer.ApplyCommit(commit);

    private bool DeliverFlushOrder(FlushDelivery.Committing commit) => _installer.DeliverFlushOrder(commit);

    ProtocolMessage IViewInstallHost.MissedCommitAsk => _flush.LastReply?.Message ?? new FlushPrepareAck(View.Id, _flush.HighestRound);
    void IViewInstallHost.Stop(StopReason reason, string detail) => Stop(reason, detail);
    void IViewInstallHost.Send(object payload, DeliveryOrder order, ImmutableArray<MessageId> dependsOn) => _own.Send(payload, order, dependsOn);
    void IViewInstallHost.CoordinateViewChange() => CoordinateViewChange();
    void IViewInstallHost.StopForMerge(GroupView target) => _merging.StopForMerge(target);
    void IViewInstallHost.DeliverMergedSides(FlushDecision decision, long nextViewId) => _merging.DeliverMergedSides(decision, nextViewId);
    void IViewInstallHost.AddWelcomeSnapshots(Welcome welcome) => _merging.AddWelcomeSnapshots(welcome);

    GroupView? IViewChangeHost.MergeTarget => _merging.Target;
    void IViewChangeHost.ChangeView(ImmutableArray<MemberId> desired, ImmutableArray<int> participants) => _flush.ChangeView(desired, participants);
    void IViewChangeHost.InstallAlone(ImmutableArray<MemberId> desired) => _flush.InstallAlone(desired);

    void IViewInstallHost.StartView(GroupView view)
    {
        ResetForView(view);
        _lifecycle = Lifecycle.Normal;
        _roster.ResetStates(view);
        RecountReachability();
    }
}
