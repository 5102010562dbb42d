using System.Collections.Immutable;
using ActorCausal;
using ActorCausal.Protocol;
using Akka.Actor;
using Akka.Event;
using GroupChat.Model;
using GroupChat.Storage;

namespace GroupChat.Actors;

/// <summary>
/// One room on one node: the subscriber of the room's ActorCausal group (<c>room-{id}</c>). It checks a request against
/// the model, broadcasts the event (causal; explicit dependencies for replies, reactions and messages that show a
/// file), and answers the request once the event is delivered here. Every delivered event is applied to the model and
/// written to SQLite, in delivery order: the events of one burst of deliveries in one transaction (<see cref="SaveNow"/>), and
/// a request is answered once its event is stored. Until the group admits this node, requests wait (stashed).
/// </summary>
public sealed class RoomActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private RoomCreated _created;
    private readonly NodeContext _node;
    private ChatRoom _room;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, MessageId> _wire = new();
    private readonly Queue<AwaitingReply> _awaitingReply = new();
    private readonly CongestedRequests _congested = new();
    private sealed record RetryCongested;

    /// <summary>A broadcast sent to the group, waiting for its answer: what to do if it is refused for back-pressure.</summary>
    private sealed record AwaitingReply(ChatEvent Event, RoomRequest? Request, IActorRef? ReplyTo, DateTime? RefusedSince);
    private readonly Dictionary<string, IActorRef> _awaitingDelivery = new();
    private readonly HashSet<string> _joining = new(StringComparer.Ordinal);
    private CausalGroup? _group;
    private IActorRef? _groupRef;
    private long _viewId;
    private ImmutableArray<string> _viewMembers = ImmutableArray<string>.Empty;
    private long _seq;
    private bool _member;
    private GroupStopped? _stopped;
    /// <summary>This node's own events that the state transfer lacked: carried to the group once admitted.</summary>
    private StoredEvent[]? _toCarry;
    private (string Id, StoredEvent[] Events)? _carrying;
    private sealed record CarryAgain;
    /// <summary>Events applied to the model, not yet in SQLite; written together when <see cref="SaveNow"/> comes round.</summary>
    private readonly List<StoredEvent> _unsaved = new();
    private readonly List<(string EventId, IActorRef ReplyTo)> _answerWhenSaved = new();

    /// <summary>
    /// Sent to self with the first unsaved event: it arrives after the deliveries already in the mailbox, so a burst of
    /// them costs one SQLite transaction instead of one each.
    /// </summary>
    private sealed record SaveNow
    {
        public static readonly SaveNow Instance = new();
    }

    public RoomActor(RoomCreated created, NodeContext node)
    {
        _created = created;
        _node = node;
        _room = new ChatRoom(created.RoomId, created.Name, created.Admin);
        foreach (var e in node.Store.LoadEvents(created.RoomId)) _room.Apply(e);

        Receive<GroupStarted>(g =>
        {
            _groupRef = g.Ref;
            CarryHistory();
        });
        Receive<Status.Failure>(f => _log.Error(f.Cause, "Room {0}: the group could not start", created.RoomId));
        Receive<Delivered>(OnDelivered);
        Receive<BroadcastReply>(OnReply);
        Receive<BroadcastReleased>(_ => { });
        Receive<ViewChanged>(OnView);
        Receive<MemberSuspected>(s => Note($"node {Node(s.Member.Address)} is SUSPECTED (unreachable)"));
        Receive<MemberReachable>(r => Note($"node {Node(r.Member.Address)} is ACTIVE again (reachable)"));
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, RoomSnapshot.Encode(_room.Log))));
        Receive<InstallSnapshot>(s =>
        {
            var snapshot = RoomSnapshot.Decode(s.Snapshot);
            var theirs = snapshot.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
            _toCarry = _room.Log.Where(e => e.Event is not null and not HistoryCarried && !theirs.Contains(e.Id)).ToArray();
            AddHistory(snapshot, "state transfer");
            // Not only before the first view: a member whose group formed twice and that merges by joining the other
            // group afresh gets its state transfer after views of its own, and must carry then too.
            CarryHistory();
        });
        Receive<GroupsMerged>(m => AddHistory(m.Snapshot, $"merge with the group of {string.Join(", ", m.OtherSide.Members.Select(x => Node(x.Address)))}"));
        Receive<RoomCreationResolved>(r =>
        {
            if (r.Creation.Id == _created.Id) return;
            _created = r.Creation;
            _room = _room.WithCreation(r.Creation.Name, r.Creation.Admin);
            Note($"two creations of this room met in a merge: the earlier one wins, admin {r.Creation.Admin}");
        });
        Receive<GroupStopped>(s =>
        {
            _member = false;
            _stopped = s;
            Note($"this node stopped delivering in this room ({s.Reason}: {s.Detail})");
            foreach (var waiting in _awaitingDelivery.Values) waiting.Tell(ChatReply.Fail(StoppedError()));
            _awaitingDelivery.Clear();
            Stash.UnstashAll();
        });

        // Nothing this node shows is missing from its database: a read first stores what is pending.
        Receive<GetRoomState>(_ => Sender.Tell(Stored(StateView())));
        Receive<GetAttachment>(a => Sender.Tell(Stored(_room.File(a.Id) is { } f ? ChatReply.Ok(f) : ChatReply.Fail(ChatError.NotFound($"Room {_room.Id} has no attachment {a.Id}.")))));
        Receive<GetRoomGroup>(_ => Sender.Tell(new RoomGroup(_group)));
        Receive<GetRoomLog>(_ => Sender.Tell(Stored(_room.Log.ToArray())));
        Receive<GetRoomDigest>(_ => Sender.Tell(Stored(_room.Digest())));
        Receive<GetRoomCausality>(_ =>
        {
            SaveUnsaved();
            Causality().PipeTo(Sender);
        });
        Receive<RoomRequest>(r =>
        {
            if (_stopped is not null) Sender.Tell(ChatReply.Fail(StoppedError()));
            else if (!_member || _groupRef is null) Stash.Stash();
            else Handle(r, Sender);
        });
        Receive<NamedWaitOver>(_ => RetryWaiting(expired: DateTime.UtcNow));
        Receive<CarryAgain>(_ => CarryHistory());
        Receive<RetryCongested>(_ => HandleCongested());
        Receive<SaveNow>(_ => SaveUnsaved());
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RoomCreated created, NodeContext node) => Akka.Actor.Props.Create(() => new RoomActor(created, node));

    public static string GroupName(string roomId) => $"room-{roomId}";

    protected override void PreStart() => _group = GroupJoin.Start(Context, _node, GroupName(_created.RoomId));

    protected override void PostStop()
    {
        try
        {
            SaveUnsaved();
        }
        catch (ObjectDisposedException)
        {
            _log.Warning("Room {0}: {1} delivered events not stored: the node's database closed first", _room.Id, _unsaved.Count);
        }
    }

    // ---- requests ----

    /// <summary>How long a request that names an event this node has not delivered yet (a reply's parent, a file, a reaction's target) waits for it, as <c>?after=</c> does.</summary>
    public static readonly TimeSpan NamedEventWait = TimeSpan.FromSeconds(5);

    private readonly List<(RoomRequest Request, IActorRef ReplyTo, DateTime Deadline)> _waitingForNamed = new();

    private sealed record NamedWaitOver;
    private long _namedWaits;

    private static IEnumerable<string> Names(RoomRequest request) => request switch
    {
        PostMessage p => new[] { p.ReplyTo, p.Attachment }.OfType<string>(),
        ToggleReaction t => [t.Target],
        _ => [],
    };

    /// <summary>Answers the requests that waited for named events: those whose events are here now, and (with <paramref name="expired"/>) those past their deadline.</summary>
    private void RetryWaiting(DateTime? expired = null)
    {
        for (var i = 0; i < _waitingForNamed.Count; i++)
        {
            var (request, replyTo, deadline) = _waitingForNamed[i];
            if (!Names(request).All(_room.Contains) && !(expired >= deadline)) continue;
            _waitingForNamed.RemoveAt(i--);
            if (_stopped is not null) replyTo.Tell(ChatReply.Fail(StoppedError()));
            else Handle(request, replyTo, mayWait: false);
        }
    }

    private void Handle(RoomRequest request, IActorRef sender, bool mayWait = true, DateTime? refusedSince = null)
    {
        var missing = Names(request).Where(id => !_room.Contains(id)).ToList();
        var never = missing.Select(WhyNever).OfType<string>().FirstOrDefault();
        if (mayWait && missing.Count > 0 && never is null)
        {
            _waitingForNamed.Add((request, sender, DateTime.UtcNow + NamedEventWait));
            Timers.StartSingleTimer($"named-{++_namedWaits}", new NamedWaitOver(), NamedEventWait);
            return;
        }
        var error = request switch
        {
            PostMessage p => _room.CanPost(p.Author, p.Text, p.ReplyTo, p.Attachment),
            ToggleReaction t => _room.CanReact(t.Author, t.Target, t.Emoji),
            UploadAttachment u => _room.CanUpload(u.Author, u.FileName, u.Content.Length),
            JoinRoom j => _room.CanAct(j.Author),
            LeaveRoom l => PersonName.Check(l.Author),
            RemovePerson r => _room.CanAdminister(r.Author) ?? PersonName.Check(r.Person)
                              ?? (_room.StatusOf(r.Person) is null ? ChatError.NotFound($"{r.Person} has never been in room {_room.Id}.") : null),
            RenameRoom n => _room.CanAdminister(n.Author) ?? RoomDirectory.CheckName(n.Name),
            _ => ChatError.Bad("Unknown request."),
        };
        if (error is not null)
        {
            if (error.Kind == ChatErrorKind.NotFound && never is not null) error = error with { Message = $"{error.Message} It never will be: {never}" };
            sender.Tell(ChatReply.Fail(error));
            return;
        }
        switch (request)
        {
            case PostMessage p:
                EnsureJoined(p.Author);
                var deps = new List<string>();
                if (p.ReplyTo is not null) deps.Add(p.ReplyTo);
                if (p.Attachment is not null) deps.Add(p.Attachment);
                Send(new Posted(NextId(), p.Author, p.Text.Trim(), p.ReplyTo, p.Attachment), deps, sender, request, refusedSince);
                break;
            case ToggleReaction t:
                EnsureJoined(t.Author);
                var (previous, on) = _room.ReactionOf(t.Target, t.Emoji, t.Author);
                var reactionDeps = previous is null ? new List<string> { t.Target } : new List<string> { t.Target, previous };
                Send(new ReactionSet(NextId(), t.Author, t.Target, t.Emoji, !on, previous), reactionDeps, sender, request, refusedSince);
                break;
            case UploadAttachment u:
                EnsureJoined(u.Author);
                Send(new AttachmentUploaded(NextId(), u.Author, u.FileName, u.ContentType, u.Content), null, sender, request, refusedSince);
                break;
            case JoinRoom j:
                Send(new PersonJoined(NextId(), j.Author), null, sender, request, refusedSince);
                break;
            case LeaveRoom l:
                Send(new PersonLeft(NextId(), l.Author), null, sender, request, refusedSince);
                break;
            case RemovePerson r:
                Send(new PersonRemoved(NextId(), r.Author, r.Person), null, sender, request, refusedSince);
                break;
            case RenameRoom n:
                Send(new RoomRenamed(NextId(), n.Author, n.Name.Trim()), null, sender, request, refusedSince);
                break;
        }
    }

    private void EnsureJoined(string author)
    {
        if (_room.StatusOf(author) == PersonStatus.Member || !_joining.Add(author)) return;
        Send(new PersonJoined(NextId(), author), null, null);
    }

    private string? WhyNever(string eventId)
    {
        var self = _node.NodeName;
        return MissingEvents.WhyNever(eventId, _room.Progress, _node.Origin, _seq, _viewMembers.Where(m => m != self));
    }

    private ChatError StoppedError() =>
        new(ChatErrorKind.Unavailable, $"This node no longer takes part in room {_room.Id} ({_stopped?.Reason}); use another node.");

    private string NextId() => EventIds.Make(_node.Origin, ++_seq);

    /// <summary>Broadcasts <paramref name="e"/>: causal, or explicit when it names what it depends on.</summary>
    private void Send(ChatEvent e, List<string>? dependsOnEvents, IActorRef? replyTo, RoomRequest? request = null, DateTime? refusedSince = null)
    {
        var order = DeliveryOrder.Causal;
        var deps = ImmutableArray<MessageId>.Empty;
        if (dependsOnEvents is not null)
        {
            order = DeliveryOrder.Explicit;
            // Events of earlier views (or loaded from a snapshot or the database) were delivered everywhere before
            // this view began: they need no dependency.
            deps = dependsOnEvents.Where(_wire.ContainsKey).Select(id => _wire[id]).Where(m => m.ViewId == _viewId).Distinct().ToImmutableArray();
        }
        _awaitingReply.Enqueue(new AwaitingReply(e, request, replyTo, refusedSince));
        _groupRef!.Tell(new Broadcast(ChatJson.ToBytes(e), order, deps));
    }

    private void OnReply(BroadcastReply reply)
    {
        var (sent, request, replyTo, refusedSince) = _awaitingReply.Dequeue();
        var eventId = sent.Id;
        if (reply.Accepted) _congested.Accepted();
        else if (sent is PersonJoined { } joined && request is null) _joining.Remove(joined.Author); // the next request by this person sends it again
        if (reply.Reason == RefusalReason.BackPressure && request is not null && replyTo is not null
            && _congested.Refused(request, replyTo, refusedSince, DateTime.UtcNow))
        {
            if (_congested.Waiting == 1) Timers.StartSingleTimer("congested", new RetryCongested(), _congested.Pause);
            return;
        }
        if (!reply.Accepted && _carrying is { } carrying && carrying.Id == eventId)
        {
            _log.Warning("Room {0}: carrying this node's own history to the group was refused ({1}); trying again", _room.Id, reply);
            _toCarry = carrying.Events;
            Timers.StartSingleTimer("carry", new CarryAgain(), TimeSpan.FromSeconds(1));
        }
        if (replyTo is null) return;
        if (reply.Accepted)
        {
            if (!_room.Contains(eventId)) _awaitingDelivery[eventId] = replyTo;
            else if (_unsaved.Count > 0) _answerWhenSaved.Add((eventId, replyTo));
            else replyTo.Tell(Result(eventId));
        }
        else
        {
            var why = reply.Reason == RefusalReason.BackPressure
                ? $"The room is congested: its group kept refusing the broadcast for {CongestedRequests.GiveUpAfter.TotalSeconds:0} s because too many of this node's events are not yet held by every node of the room (is one unreachable?). Try again later."
                : $"The room's group refused the broadcast: {reply.Reason} {reply.Detail}";
            replyTo.Tell(ChatReply.Fail(new ChatError(ChatErrorKind.Unavailable, why)));
        }
    }

    /// <summary>Handles again the requests refused for back-pressure, as they were refused (each checked against the room as it is now).</summary>
    private void HandleCongested()
    {
        foreach (var c in _congested.TakeDue())
        {
            if (_stopped is not null) c.ReplyTo.Tell(ChatReply.Fail(StoppedError()));
            else Handle(c.Request, c.ReplyTo, mayWait: false, c.RefusedSince);
        }
    }

    private ChatReply Result(string eventId)
    {
        var stored = _room.Find(eventId);
        return stored?.Event switch
        {
            AttachmentUploaded f => ChatReply.Ok(new AttachmentView(f.Id, f.FileName, f.ContentType, f.Content.Length)),
            Posted => ChatReply.Ok(_room.Message(eventId)),
            ReactionSet r => ChatReply.Ok(_room.Message(r.Target)),
            _ => ChatReply.Ok(StateView()),
        };
    }

    // ---- group events ----

    private void OnDelivered(Delivered d)
    {
        if (d.Payload is not byte[] bytes)
        {
            _log.Warning("Room {0}: undeliverable payload {1} from {2} ignored", _room.Id, d.Payload.GetType().Name, d.SenderAddress);
            return;
        }
        ChatEvent e;
        try
        {
            e = ChatJson.FromBytes<ChatEvent>(bytes);
        }
        catch (Exception ex)
        {
            _log.Warning("Room {0}: malformed chat event from {1}: {2}", _room.Id, d.SenderAddress, ex.Message);
            return;
        }
        if (e is HistoryCarried carried)
        {
            AddHistory(carried.Events, $"history carried by {carried.Author}");
            e = carried with { Events = [] };
        }
        _wire[e.Id] = d.MessageId;
        var clock = d.Clock.AsSpan().ToArray();
        var stored = new StoredEvent(e, d.Time.WallMs, d.Time.Logical, Node(d.SenderAddress.ToString()), d.MessageId.ToString(),
            d.DependsOn.Select(x => x.ToString()).ToArray(), clock, d.ViewId, DeliveredMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (_room.Apply(stored)) Save(stored);
        if (e is PersonJoined pj) _joining.Remove(pj.Author);
        if (_awaitingDelivery.Remove(e.Id, out var replyTo))
        {
            if (_unsaved.Count > 0) _answerWhenSaved.Add((e.Id, replyTo));
            else replyTo.Tell(Result(e.Id));
        }
        AfterChange();
    }

    private void OnView(ViewChanged v)
    {
        var first = !_member;
        _member = true;
        _viewId = v.View.Id;
        _viewMembers = v.View.Members.Select(m => Node(m.Address)).ToImmutableArray();
        var self = Node(CausalGroups.Get(Context.System).Cluster.SelfAddress.ToString());
        foreach (var j in v.Joined.Where(j => Node(j.Address) != self)) Note($"node {Node(j.Address)} joined (view {v.View.Id}: {v.View.Size} nodes)");
        foreach (var l in v.Left) Note($"node {Node(l.Address)} FAILED or left (view {v.View.Id}: {v.View.Size} nodes)");
        if (first) Stash.UnstashAll();
        CarryHistory();
    }

    /// <summary>Once admitted (and the group's handle is here): sends this node's own events the state transfer lacked.</summary>
    private void CarryHistory()
    {
        if (_toCarry is not { Length: > 0 } carry || !_member || _groupRef is null) return;
        _toCarry = null;
        var carried = new HistoryCarried(NextId(), _node.NodeName, carry);
        _carrying = (carried.Id, carry);
        Send(carried, null, null);
    }

    /// <summary>
    /// Adds another history of this room (a joiner's state transfer, or the other side's state when two groups of the room
    /// merge): the events this node lacks, after its own, in <see cref="HistoryMerge"/>'s order; persisted. Idempotent.
    /// </summary>
    private void AddHistory(ReadOnlyMemory<byte> snapshot, string how) => AddHistory(RoomSnapshot.Decode(snapshot), how);

    private void AddHistory(IEnumerable<StoredEvent> events, string how)
    {
        var added = HistoryMerge.NewEvents(_room, events).Where(_room.Apply).ToList();
        foreach (var e in added) Save(e);
        _log.Info("Room {0}: {1} brought {2} events this node did not have", _room.Id, how, added.Count);
        if (added.Count > 0 && !how.StartsWith("state", StringComparison.Ordinal)) Note($"{how}: {added.Count} events from the other side added");
        AfterChange();
    }

    private void Note(string text)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var note = new StoredEvent(null, now, 0, _node.NodeName, Guid.NewGuid().ToString("N")[..8], [], [], _viewId, text, now);
        if (_room.Apply(note)) Save(note);
        AfterChange();
    }

    private void Save(StoredEvent e)
    {
        if (_unsaved.Count == 0) Self.Tell(SaveNow.Instance);
        _unsaved.Add(e);
    }

    private T Stored<T>(T answer)
    {
        SaveUnsaved();
        return answer;
    }

    private void SaveUnsaved()
    {
        if (_unsaved.Count > 0)
        {
            _node.Store.Append(_room.Id, _unsaved);
            _unsaved.Clear();
        }
        foreach (var (eventId, replyTo) in _answerWhenSaved) replyTo.Tell(Result(eventId));
        _answerWhenSaved.Clear();
    }

    private void AfterChange()
    {
        if (_waitingForNamed.Count > 0) RetryWaiting();
        _node.Changed(_room.Id);
    }

    private RoomState StateView() =>
        new(_room.Id, _room.Name, _room.Admin, _room.People, _room.Messages(), _member);

    private async Task<RoomCausality> Causality()
    {
        var recent = _room.Messages().TakeLast(40).ToList();
        var (viewId, members) = (_viewId, _viewMembers);
        var cluster = CausalGroups.Get(Context.System).Cluster;
        GroupStatus? status = null;
        try
        {
            if (_group is not null) status = await _group.Status();
        }
        catch (Exception)
        {
            // The group is not running: report what the model knows.
        }
        return new RoomCausality(_created.RoomId, viewId, members.ToArray(), status?.Phase.ToString() ?? "Stopped",
            status?.HeldBack ?? 0, status?.Protocol.PendingNow ?? 0, status?.Protocol.Delivered ?? 0, status?.Protocol.NaksSent ?? 0,
            status?.Protocol.Retransmitted ?? 0, status?.Suspected.Select(m => _node.NameOf(cluster, m.Address)).ToArray() ?? [], recent);
    }

    private string Node(string address) => _node.NameOf(CausalGroups.Get(Context.System).Cluster, address);
}
