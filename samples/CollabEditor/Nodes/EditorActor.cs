using System.Collections.Immutable;
using ActorCausal;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using CollabEditor.Crdt;
using CollabEditor.Editing;
using CollabEditor.Replay;

namespace CollabEditor.Nodes;

/// <summary>
/// One replica of the document on one node: applies local edits at once and broadcasts their updates in causal order,
/// batched per <c>batchMs</c> (0: one broadcast per edit); integrates the updates other members' broadcasts deliver;
/// answers snapshot requests with the compact state and loads the one it gets when it joins. It translates only: the
/// CRDT is <see cref="TextDocument"/>.
/// </summary>
public sealed partial class EditorActor : ReceiveActor, IWithTimers
{
    private const int MaxBatchBytes = 512 * 1024;

    private sealed record Flush
    {
        public static Flush Instance { get; } = new();
    }

    private sealed record RetrySend
    {
        public static RetrySend Instance { get; } = new();
    }

    private sealed record IssueMore
    {
        public static IssueMore Instance { get; } = new();
    }

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _groupName;
    private readonly string _agentName;
    private readonly int _batchMs;
    private readonly Address _selfAddress;
    private readonly UpdateWriter _writer = new();
    private readonly List<byte[]> _pending = new();
    private readonly Queue<byte[]> _outbox = new();
    private TextDocument _doc = new();
    private readonly CausalBuffer _waiting = new();
    private int _agent;
    private int _pendingBytes;
    private IActorRef? _group;
    private bool _inFlight;
    private long _applied, _rejected, _sent;
    private long _viewId;
    private ImmutableArray<string> _members = ImmutableArray<string>.Empty;
    private StartReplay? _replay;
    private int _nextTxn;
    private string? _replayError;

    public ITimerScheduler Timers { get; set; } = null!;

    public EditorActor(string groupName, string agentName, int batchMs, string[]? preRegisteredAgents = null)
    {
        _groupName = groupName;
        _agentName = agentName;
        _batchMs = batchMs;
        _selfAddress = Cluster.Get(Context.System).SelfAddress;
        foreach (var a in preRegisteredAgents ?? []) _doc.Agent(a);
        _agent = _doc.Agent(agentName);

        Receive<IActorRef>(group => { _group = group; TrySend(); });
        Receive<Status.Failure>(f => _log.Error(f.Cause, "could not join group {0}", _groupName));
        Receive<LocalEdit>(OnLocalEdit);
        Receive<Delivered>(OnDelivered);
        Receive<BroadcastReply>(OnBroadcastReply);
        Receive<Flush>(_ => FlushPending());
        Receive<RetrySend>(_ => { _inFlight = false; TrySend(); });
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, _doc.EncodeState())));
        Receive<InstallSnapshot>(OnInstallSnapshot);
        Receive<GroupsMerged>(OnGroupsMerged);
        Receive<ViewChanged>(v =>
        {
            _viewId = v.View.Id;
            _members = v.View.Members.Select(m => m.ToString()).ToImmutableArray();
            _memberIds = v.View.Members;
            foreach (var m in v.Left) _suspected.Remove(m);
            DropCaretsOf(v.Left);
            PresenceChanged();
        });
        Receive<MemberSuspected>(m => { _suspected.Add(m.Member); PresenceChanged(); });
        Receive<MemberReachable>(m => { _suspected.Remove(m.Member); PresenceChanged(); });
        Receive<BroadcastReleased>(_ => { });
        Receive<GroupStopped>(OnGroupStopped);
        Receive<StartReplay>(r =>
        {
            _replay = r;
            _nextTxn = 0;
            Self.Tell(IssueMore.Instance);
        });
        Receive<IssueMore>(_ => IssueReplay());
        Receive<GetEditorStatus>(_ => Sender.Tell(new EditorStatus(_agentName, _doc.TotalTxns, _doc.Length, _applied, _rejected, _sent,
            _outbox.Count + (_pending.Count > 0 ? 1 : 0), _viewId, _members, _replayError, _doc.Version(), _waiting.Count, _editsRefused)));
        Receive<GetText>(_ => Sender.Tell(_doc.GetText()));
        RegisterSessions();
    }

    protected override void PreStart()
    {
        var group = CausalGroups.Get(Context.System).Join(_groupName, Self);
        group.Ref.PipeTo(Self);
        if (_batchMs > 0) Timers.StartPeriodicTimer("flush", Flush.Instance, TimeSpan.FromMilliseconds(_batchMs));
        Timers.StartPeriodicTimer("presence", PollStatus.Instance, TimeSpan.FromMilliseconds(500));
    }

    private void OnLocalEdit(LocalEdit e)
    {
        try
        {
            if (e.Version is null) _doc.Edit(_agent, e.Patches, _writer);
            else _doc.EditAt(_agent, e.Version, e.Patches, _writer);
        }
        catch (EditRejectedException ex)
        {
            _log.Warning("local edit refused: {0}", ex.Message);
            Sender.Tell(new Status.Failure(ex));
            return;
        }
        Queue(_writer.ToArray());
        Changed(remote: false);
    }

    private void Queue(byte[] update)
    {
        _pending.Add(update);
        _pendingBytes += update.Length;
        if (_batchMs == 0 || _pendingBytes >= MaxBatchBytes) FlushPending();
    }

    private void FlushPending()
    {
        if (_pending.Count == 0) return;
        _outbox.Enqueue(Payloads.EncodeEdits(_pending));
        _pending.Clear();
        _pendingBytes = 0;
        TrySend();
    }

    // One broadcast in flight at a time: a refused one (back-pressure) is retried before any later one, so that the
    // updates leave in the order they were made.
    private void TrySend()
    {
        if (_inFlight || _group is null || _outbox.Count == 0) return;
        _inFlight = true;
        _group.Tell(new Broadcast(_outbox.Peek(), DeliveryOrder.Causal));
    }

    private void OnBroadcastReply(BroadcastReply reply)
    {
        if (reply.Accepted)
        {
            _outbox.Dequeue();
            _sent++;
            _inFlight = false;
            TrySend();
            return;
        }
        if (reply.Reason != RefusalReason.BackPressure) _log.Warning("editor broadcast refused: {0}", reply);
        Timers.StartSingleTimer("retry", RetrySend.Instance, TimeSpan.FromMilliseconds(reply.Reason == RefusalReason.BackPressure ? 2 : 100));
    }

    private void OnDelivered(Delivered d)
    {
        if (d.SenderAddress == _selfAddress) return; // applied when it was made
        if (d.Payload is not byte[] payload || payload.Length == 0)
        {
            _rejected++;
            _log.Warning("editor: a delivery from {0} is not an editor payload ({1})", d.Sender, d.Payload.GetType().Name);
            return;
        }
        try
        {
            if (payload[0] == Payloads.Caret)
            {
                OnRemoteCaret(Payloads.DecodeCaret(payload), d.Sender);
                return;
            }
            if (payload[0] == Payloads.State)
            {
                MergeOtherState(payload.AsSpan(1), $"the state carried by {d.Sender}");
                return;
            }
            if (payload[0] != Payloads.Edits) throw new EditRejectedException($"unknown payload kind {payload[0]}");
            EditBatch.ForEach(payload.AsSpan(1), ApplyOne, payload.AsMemory(1));
        }
        catch (EditRejectedException ex)
        {
            _rejected++;
            _log.Warning("editor: malformed payload from {0}: {1}", d.Sender, ex.Message);
        }
        Changed(remote: true);
        if (_replay is { Trace.Concurrent: true }) IssueReplay();
    }

    private void ApplyOne(ReadOnlyMemory<byte> update)
    {
        try
        {
            _applied += _waiting.Offer(_doc, update.Span);
        }
        catch (EditRejectedException ex)
        {
            _rejected++;
            _log.Warning("editor: update refused: {0}", ex.Message);
        }
    }

    /// <summary>The document grew other than by an update (a state loaded or merged): updates held back may fit now.</summary>
    private void RetryWaiting()
    {
        var (applied, dropped) = _waiting.RetryAll(_doc);
        _applied += applied;
        _rejected += dropped;
    }

    /// <summary>Two groups of this name merged: the other side's document is integrated (a CRDT merge; merging the same
    /// side's state again changes nothing), and this node's carets are told to the other side.</summary>
    private void OnGroupsMerged(GroupsMerged m)
    {
        RebroadcastCarets();
        if (m.Snapshot.Length == 0) return; // the other side had nothing, or answered no state
        MergeOtherState(m.Snapshot.Span, "the other side's document");
    }

    private void MergeOtherState(ReadOnlySpan<byte> state, string what)
    {
        try
        {
            var changed = _doc.MergeState(state);
            _log.Info("editor: merged {0} ({1} items changed here)", what, changed);
            RetryWaiting();
            ReRegisterSessions();
            Changed(remote: true);
        }
        catch (EditRejectedException ex)
        {
            _rejected++;
            _log.Error("editor: {0} was refused: {1}", what, ex.Message);
        }
    }

    private void OnInstallSnapshot(InstallSnapshot s)
    {
        if (s.Snapshot.Length == 0) return; // founding member or an empty document
        try
        {
            var doc = TextDocument.LoadState(s.Snapshot.Span);
            if (_doc.TotalTxns > 0)
            {
                // This replica has edits of its own that the group's state may lack (made before it was admitted, or
                // on its side of a group that formed twice and now joins afresh): kept here, and carried to the group.
                var own = _doc.EncodeState();
                doc.MergeState(own);
                CarryState(own);
            }
            _doc = doc;
            _agent = _doc.Agent(_agentName);
            RetryWaiting();
            ReRegisterSessions();
            Changed(remote: true);
        }
        catch (EditRejectedException ex)
        {
            _log.Error("editor: snapshot refused: {0}", ex.Message);
        }
    }

    /// <summary>After the updates already queued (the state holds them too; a member merges only what it lacks).</summary>
    private void CarryState(byte[] state)
    {
        FlushPending();
        _outbox.Enqueue(Payloads.EncodeState(state));
        TrySend();
    }

    /// <summary>
    /// This replica gets and sends no more updates: a replay here (typing or receiving, started or not) can never
    /// finish, so it fails now with the reason instead of waiting for its timeout.
    /// </summary>
    private void OnGroupStopped(GroupStopped s)
    {
        // leaving is what a node that stops (Ctrl+C) does: not a warning
        if (s.Reason == GroupStopReason.Left) _log.Info("editor group left: {0}", s.Detail);
        else _log.Warning("editor group stopped: {0} {1}", s.Reason, s.Detail);
        _replayError ??= $"{_agentName}: the editor's group member stopped ({s.Reason}): {s.Detail}";
    }

    /// <summary>Issues the replay's next transactions: a sequential trace's in slices (so deliveries and flushes get
    /// their turn), a concurrent trace's own ones while their parents are integrated here.</summary>
    private void IssueReplay()
    {
        if (_replay is null || _replayError is not null) return;
        var trace = _replay.Trace;
        try
        {
            if (!trace.Concurrent)
            {
                if (_nextTxn == 0 && trace.StartContent.Length > 0) Apply([new(0, 0, trace.StartContent)], null, -1, _agent);
                var end = Math.Min(trace.Txns.Length, _nextTxn + 4096);
                for (; _nextTxn < end; _nextTxn++) Apply(trace.Txns[_nextTxn].Patches, null, _nextTxn, _agent);
                if (_nextTxn < trace.Txns.Length) Self.Tell(IssueMore.Instance);
                else FlushPending();
                return;
            }
            var mine = _replay.Mine;
            while (_nextTxn < mine.Length)
            {
                var i = mine[_nextTxn];
                var version = _replay.Causality!.VersionOf[i];
                for (var b = 0; b < version.Length; b++)
                    if (_doc.TxnCount(b) < version[b]) return;
                Apply(trace.Txns[i].Patches, version, i, trace.Txns[i].Agent);
                _nextTxn++;
            }
        }
        catch (EditRejectedException ex)
        {
            _replayError = ex.Message;
            _log.Error("replay stopped: {0}", ex.Message);
        }
    }

    /// <param name="agent">The local agent index: a concurrent trace's agents are registered first, in trace order.</param>
    private void Apply(CollabEditor.Crdt.Patch[] patches, int[]? version, int txn, int agent)
    {
        try
        {
            if (version is null) _doc.Edit(agent, patches, _writer);
            else _doc.EditAt(agent, version, patches, _writer);
        }
        catch (EditRejectedException ex)
        {
            throw new EditRejectedException($"transaction {txn}: {ex.Message}");
        }
        Queue(_writer.ToArray());
    }

    public static string ReplayAgentName(int agent) => LocalReplay.AgentName(agent);
}
