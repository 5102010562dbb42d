using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

/// <summary>
/// One member of one group: a pure state machine. Inputs are <see cref="Broadcast"/>, <see cref="Receive"/> and
/// <see cref="Tick"/>; each appends effects (sends and deliveries) that the driver takes with <see cref="DrainEffects"/>.
/// Not thread-safe: a driver feeds one input at a time.
/// </summary>
public sealed partial class GroupMember : IOwnBroadcastsHost
{
    private readonly List<Effect> _effects = new();
    private readonly HybridLogicalClock _hlc;
    private readonly DependencyIndex _dependencies;
    private readonly ViewInstaller _installer;
    private readonly OwnBroadcasts _own;
    private readonly ViewChangeStarter _starter;
    private long _now;
    /// <summary>Everything that belongs to one view; installing a view replaces it whole (see <see cref="ResetForView"/>).</summary>
    private ViewState _viewState = ViewState.None;

    /// <summary>A founding member of <paramref name="view"/>.</summary>
    public GroupMember(MemberId self, GroupView view, GroupMemberSettings? settings = null, long nowMs = 0)
        : this(self, settings, nowMs)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (!view.Contains(self)) throw new ArgumentException($"{self} is not a member of {view}.", nameof(self));
        ResetForView(view);
        _lifecycle = Lifecycle.Normal;
    }

    private GroupMember(MemberId self, GroupMemberSettings? settings, long nowMs)
    {
        Settings = settings ?? new GroupMemberSettings();
        Settings.Validate();
        Self = self;
        _hlc = new HybridLogicalClock(Settings.MaxClockSkewMs);
        _dependencies = new DependencyIndex(Settings.DependencyIndexCapacity);
        _pacing = new ReaderPacing(Settings.PacedByReader);
        _total = new TotalOrdering(this, Settings, _counters);
        _delivery = new DeliveryQueues(this, Settings, _counters, _total, _dependencies, _hlc);
        _safe = new SafeDelivery(this, Settings, _counters, _total, _delivery);
        _repair = new LossRepair(this, Settings, _counters, _total);
        _stability = new Stability(this, Settings, _counters, _repair);
        _flush = new FlushParticipant(this, Settings);
        _merging = new GroupMerging(this, Settings, _join, _held);
        _starter = new ViewChangeStarter(this, Settings, _roster);
        _own = new OwnBroadcasts(this, Settings, _counters, _hlc, _held, _delivery, _stability);
        _installer = new ViewInstaller(this, Settings, _counters, _roster, _total, _delivery, _held, _recentCommits);
        _now = nowMs;
        _lastGossipAt = nowMs;
        View = new GroupView(0, [self]);
    }

    /// <summary>This member's id: its node address and incarnation. Fixed for the member's life; a member that leaves and joins again is a new <see cref="GroupMember"/> with a new incarnation.</summary>
    public MemberId Self { get; }
    /// <summary>
    /// The view installed here: its id and its members in rank order. It changes only when a view is installed
    /// (<see cref="ViewInstalled"/>); before a joining member is admitted it is a placeholder view 0 holding only <see cref="Self"/>,
    /// and after <see cref="Stopped"/> it stays the last view this member installed.
    /// </summary>
    public GroupView View { get; private set; }
    /// <summary>This member's index in <see cref="View"/> (0 = the oldest member): the sender rank its messages carry and the entry it owns in every vector clock of the view. Recomputed at every view change.</summary>
    public int Rank { get; private set; }
    /// <summary>The tuning this member was created with (defaults when none was given), validated by the constructor with <see cref="GroupMemberSettings.Validate"/>; fixed for the member's life.</summary>
    public GroupMemberSettings Settings { get; }

    /// <summary>Replaces all per-view state: new clock dimension, sequence numbers from 1, empty queues.</summary>
    private void ResetForView(GroupView view)
    {
        _total.SendPendingProposals(); // they belong to the view being closed
        View = view;
        Rank = view.RankOf(Self);
        _viewState = new ViewState(view.Size, Rank);
        _total.StartView(view.Size);
        _flush.StartView();
    }

    /// <summary>The current hybrid logical clock reading.</summary>
    public HlcTimestamp Clock => _hlc.Current;

    /// <summary>
    /// Broadcasts <paramref name="payload"/> to the group with <paramref name="order"/>. <paramref name="dependsOn"/> only with
    /// <see cref="DeliveryOrder.Explicit"/>. <see cref="DeliveryOrder.SafeCausal"/> and <see cref="DeliveryOrder.SafeTotal"/> send a
    /// causal or total-order message with <see cref="DataMessage.Safe"/> set.
    /// </summary>
    public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (!Enum.IsDefined(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "Unknown delivery order.");
        var hasDeps = dependsOn is { Count: > 0 };
        if (hasDeps && order != DeliveryOrder.Explicit)
            throw new ArgumentException($"dependsOn is only meaningful with {nameof(DeliveryOrder.Explicit)} order, not {order}.", nameof(dependsOn));

        var deps = ImmutableArray<MessageId>.Empty;
        if (hasDeps)
        {
            var refusal = _own.ValidateDependencies(dependsOn!, out deps);
            if (refusal is not null)
            {
                _counters.Refused++;
                return BroadcastResult.Refused(BroadcastRefusal.UnknownDependency, refusal);
            }
        }

        if (IsMergeJoining) return HoldWhileMerging(payload, order, deps);
        if (Phase is MemberPhase.Joining or MemberPhase.Stopped)
        {
            _counters.Refused++;
            return Phase == MemberPhase.Joining
                ? BroadcastResult.Refused(BroadcastRefusal.NotAMember, $"{Self} has not been admitted to the group yet.")
                : BroadcastResult.Refused(BroadcastRefusal.Stopped, $"{Self} has stopped ({_lifecycle.StopReason}); it sends nothing more.");
        }
        return _own.SendOrHold(payload, order, deps);
    }

    /// <summary>Feeds a message that arrived from <paramref name="from"/>. Bad input is refused with a reason, counted, and changes nothing.</summary>
    public ReceiveOutcome Receive(MemberId from, ProtocolMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ReceiveAcrossGroups(from, message) is { } handled) return handled; // GroupMember.Merge.cs
        if (Phase == MemberPhase.Stopped)
        {
            // A member that left still answers for the view it closed: survivors may have missed that commit.
            if (_lifecycle.StopReason is StopReason.Left or StopReason.ExcludedFromView) RepairMissedCommit(from, message);
            // Another group of the name admitted it after it stopped (a late announcement): that group drops it.
            if (message is Welcome late && late.Joined.Contains(Self) && View.Contains(Self) && !MergeRules.SameGroup(late.ViewId, View.Id)) _merging.DeclineWelcome(late);
            return ReceiveOutcome.Duplicate;
        }
        if (Phase == MemberPhase.Joining) return _installer.ReceiveWhileJoining(from, message);
        var fromRank = View.RankOf(from);
        if (message.ViewId < View.Id) return _installer.ReceiveStale(from, message);
        if (message.ViewId > View.Id) return _installer.ReceiveFuture(from, message);
        if (fromRank < 0) return Reject(from, RejectReason.NotAMember, $"{from} is not in {View}.");
        _installer.HeardFrom(from);
        return message switch
        {
            DataMessage data => _delivery.OnData(from, data),
            Nak nak => _repair.OnNak(from, nak),
            StabilityGossip gossip => _stability.OnGossip(from, fromRank, gossip),
            Proposal proposal => _total.OnProposal(from, fromRank, proposal.Message, proposal.Priority, proposal.ReplyRequested, proposal.AskNumber),
            ProposalBatch batch => _total.OnProposalBatch(from, fromRank, batch),
            FinalPriority final => _total.OnFinal(from, fromRank, final),
            ClockHeartbeat heartbeat => OnClockHeartbeat(from, fromRank, heartbeat),
            FlushRequest request => _flush.OnRequest(from, fromRank, request),
            FlushReport report => _flush.OnReport(from, fromRank, report),
            FlushPrepare prepare => _flush.OnPrepare(from, fromRank, prepare),
            FlushPrepareAck ack => _flush.OnPrepareAck(from, fromRank, ack),
            FlushCommit commit => _flush.OnCommit(from, fromRank, commit),
            LeaveRequest => _starter.OnLeaveRequest(from),
            Welcome => ReceiveOutcome.Duplicate,
            _ => Reject(from, RejectReason.Malformed, $"Unknown protocol message type {message.GetType().Name}."),
        };
    }

    /// <summary>Moves every pending effect, in order, into <paramref name="destination"/>; returns how many.</summary>
    public int DrainEffects(List<Effect> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _total.SendPendingProposals();
        Symmetric?.SendHeartbeatIfDue();
        _safe.AcknowledgeIfDue();
        _stability.SendDueReports();
        var n = _effects.Count;
        destination.AddRange(_effects);
        _effects.Clear();
        return n;
    }

    /// <summary>True when effects wait to be drained.</summary>
    public bool HasPendingEffects => _effects.Count > 0 || _total.HasPendingProposals || Symmetric?.HeartbeatDue == true || _safe.AckDueOnDrain || _stability.ReportDue;

    /// <summary>Messages received or broadcast here and not yet delivered, plus delivered ones kept until stable.</summary>
    public int BufferedMessages => _viewState.Buffered;

    /// <summary>The transitive dependencies of an explicit-order message, dependencies first. Throws <see cref="DependencyCycleException"/> on a cycle.</summary>
    public ImmutableArray<MessageId> DependencyChain(MessageId id) => _dependencies.Chain(id);

    /// <summary>The explicit-order messages delivered here that name <paramref name="id"/> directly.</summary>
    public ImmutableArray<MessageId> Dependents(MessageId id) => _dependencies.Dependents(id);

    long[] IOwnBroadcastsHost.ReportedDelivered() => ReportedDelivered();
    void IOwnBroadcastsHost.NoteSafe(DataMessage m) => _safe.Note(m);
    bool IOwnBroadcastsHost.HoldsMergedState(MessageId message) => _merging.HoldsMergedState(message);

    ViewState IViewContext.ViewState => _viewState;
    long IMemberContext.Now => _now;
    int IMemberContext.Size => _viewState.Size;
    int IMemberContext.CoordinatorRank() => CoordinatorRank();
    bool IMemberContext.IsRemoved(MemberId member) => _roster.IsRemoved(member);
    long IMemberContext.LastSequence => _viewState.Seq;
    SenderLog IMemberContext.Log(int sender) => _viewState.Logs[sender];
    void IMemberContext.Emit(Effect effect) => _effects.Add(effect);
    ReceiveOutcome IMemberContext.Reject(MemberId from, RejectReason reason, string detail) => Reject(from, reason, detail);

    private ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail)
    {
        _counters.CountRejected(reason);
        _effects.Add(new InputRejected(from, reason, detail));
        return ReceiveOutcome.Rejected(reason, detail);
    }
}
