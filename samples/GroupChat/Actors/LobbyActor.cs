using System.Collections.Concurrent;
using ActorCausal;
using Akka.Actor;
using Akka.Event;
using GroupChat.Model;
using GroupChat.Storage;

namespace GroupChat.Actors;

public sealed record CreateRoom(string Name, string Author);
public sealed record GetRooms;
public sealed record GetMembers;

/// <summary>A node of the cluster as the lobby group sees it: ACTIVE, SUSPECTED (unreachable) or FAILED (left the view).</summary>
public sealed record NodeView(string Node, string State, bool Self);

/// <summary>
/// The lobby: every node's member of the <c>lobby</c> group, where room creations go in total order (two nodes that
/// create a room of the same name at once: the first in the total order wins at every node). Starts a
/// <see cref="RoomActor"/> for every room, from the database at start and as creations are delivered.
/// </summary>
public sealed class LobbyActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    public const string GroupName = "lobby";

    private readonly NodeContext _node;
    private readonly ConcurrentDictionary<string, IActorRef> _roomActors;
    private readonly RoomDirectory _directory = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<(RoomCreated Event, IActorRef ReplyTo)> _awaitingReply = new();
    private readonly Dictionary<string, IActorRef> _awaitingDelivery = new();
    private readonly Dictionary<string, string> _nodes = new(StringComparer.Ordinal);
    private IActorRef? _groupRef;
    private bool _member;
    private long _seq;
    /// <summary>Rooms of this node's own history that its state transfer lacked: announced again once admitted.</summary>
    private RoomCreated[]? _toCarry;

    public LobbyActor(NodeContext node, ConcurrentDictionary<string, IActorRef> roomActors)
    {
        _node = node;
        _roomActors = roomActors;
        foreach (var room in node.Store.LoadRooms()) AddRoom(room, persist: false);

        Receive<GroupStarted>(g =>
        {
            _groupRef = g.Ref;
            CarryRooms();
        });
        Receive<Delivered>(OnDelivered);
        Receive<BroadcastReply>(OnReply);
        Receive<BroadcastReleased>(_ => { });
        Receive<ViewChanged>(v =>
        {
            foreach (var l in v.Left) _nodes[Node(l.Address)] = "FAILED";
            foreach (var m in v.View.Members) _nodes[Node(m.Address)] = "ACTIVE";
            if (!_member) Stash.UnstashAll();
            _member = true;
            CarryRooms();
            _node.Changed("");
        });
        Receive<MemberSuspected>(s => { _nodes[Node(s.Member.Address)] = "SUSPECTED"; _node.Changed(""); });
        Receive<MemberReachable>(r => { _nodes[Node(r.Member.Address)] = "ACTIVE"; _node.Changed(""); });
        Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, ChatJson.ToBytes(_directory.Rooms.ToArray()))));
        Receive<InstallSnapshot>(s =>
        {
            var theirs = s.Snapshot.Length == 0 ? [] : ChatJson.FromBytes<RoomCreated[]>(s.Snapshot.Span);
            // Carried: this node's creations the group's state lacks, a conflicting one included (every node then keeps the earlier).
            var known = theirs.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            _toCarry = _directory.Rooms.Where(r => !known.Contains(r.Id)).ToArray();
            foreach (var room in theirs) MergeRoom(room with { Carried = false });
            CarryRooms();
        });
        Receive<GroupsMerged>(m =>
        {
            if (m.Snapshot.Length == 0) return;
            foreach (var room in ChatJson.FromBytes<RoomCreated[]>(m.Snapshot.Span)) MergeRoom(room);
        });
        Receive<GroupStopped>(_ => _member = false);
        Receive<CarryAgain>(_ => CarryRooms());
        Receive<GetRooms>(_ => Sender.Tell(_directory.Rooms.ToArray()));
        Receive<GetMembers>(_ =>
        {
            var self = Node(CausalGroups.Get(Context.System).Cluster.SelfAddress.ToString());
            Sender.Tell(_nodes.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => new NodeView(n.Key, n.Value, n.Key == self)).ToArray());
        });
        Receive<CreateRoom>(c =>
        {
            if (!_member || _groupRef is null)
            {
                Stash.Stash();
                return;
            }
            var error = RoomDirectory.CheckName(c.Name) ?? PersonName.Check(c.Author);
            var slug = RoomDirectory.Slug(c.Name ?? "");
            if (error is null && _directory.Find(slug) is not null) error = new ChatError(ChatErrorKind.Conflict, $"Room {slug} already exists.");
            if (error is not null)
            {
                Sender.Tell(ChatReply.Fail(error));
                return;
            }
            var created = new RoomCreated(EventIds.Make(_node.Origin, ++_seq), slug, c.Name!.Trim(), c.Author, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            _awaitingReply.Enqueue((created, Sender));
            _groupRef.Tell(new Broadcast(ChatJson.ToBytes(created), ActorCausal.Protocol.DeliveryOrder.Total));
        });
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed record CarryAgain;

    public static Props Props(NodeContext node, ConcurrentDictionary<string, IActorRef> roomActors) =>
        Akka.Actor.Props.Create(() => new LobbyActor(node, roomActors));

    protected override void PreStart() => GroupJoin.Start(Context, _node, GroupName);

    private void CarryRooms()
    {
        if (_toCarry is not { Length: > 0 } rooms || !_member || _groupRef is null) return;
        _toCarry = null;
        foreach (var room in rooms)
        {
            _awaitingReply.Enqueue((room, ActorRefs.Nobody));
            _groupRef.Tell(new Broadcast(ChatJson.ToBytes(room with { Carried = true }), ActorCausal.Protocol.DeliveryOrder.Total));
        }
    }

    private void OnReply(BroadcastReply reply)
    {
        var (created, replyTo) = _awaitingReply.Dequeue();
        if (replyTo.IsNobody()) // a carried creation: nobody waits for it; refused (say, while the lobby was joining): again
        {
            if (reply.Accepted) return;
            _log.Warning("Lobby: announcing room {0} again was refused ({1}); trying again", created.RoomId, reply);
            _toCarry = [.. _toCarry ?? [], created with { Carried = false }];
            Timers.StartSingleTimer("carry", new CarryAgain(), TimeSpan.FromSeconds(1));
            return;
        }
        if (!reply.Accepted)
            replyTo.Tell(ChatReply.Fail(new ChatError(ChatErrorKind.Unavailable, $"The lobby refused the broadcast: {reply.Reason} {reply.Detail}")));
        else _awaitingDelivery[created.Id] = replyTo;
    }

    private void OnDelivered(Delivered d)
    {
        if (d.Payload is not byte[] bytes) return;
        RoomCreated created;
        try
        {
            created = ChatJson.FromBytes<RoomCreated>(bytes);
        }
        catch (Exception e)
        {
            _log.Warning("Lobby: malformed room creation from {0}: {1}", d.SenderAddress, e.Message);
            return;
        }
        if (created.Carried)
        {
            MergeRoom(created with { Carried = false });
            return;
        }
        var isNew = AddRoom(created, persist: true);
        if (!_awaitingDelivery.Remove(created.Id, out var replyTo)) return;
        var winner = _directory.Find(created.RoomId)!;
        replyTo.Tell(isNew || winner.Id == created.Id
            ? ChatReply.Ok(created)
            : ChatReply.Fail(new ChatError(ChatErrorKind.Conflict, $"Room {created.RoomId} was created at the same time by {winner.Admin} on another node; that creation came first in the total order.")));
    }

    private string Node(string address) => _node.NameOf(CausalGroups.Get(Context.System).Cluster, address);

    /// <summary>A room of the other side of a lobby merge: added, or its creation wins (<see cref="RoomDirectory.Merge"/>) and the room actor takes it.</summary>
    private void MergeRoom(RoomCreated room)
    {
        switch (_directory.Merge(room))
        {
            case MergeOutcome.Added:
                _node.Store.SaveRoom(room);
                _roomActors.GetOrAdd(room.RoomId, id => Context.ActorOf(RoomActor.Props(room, _node), Uri.EscapeDataString(id)));
                _node.Changed(room.RoomId);
                break;
            case MergeOutcome.Replaced:
                _node.Store.ReplaceRoom(room);
                if (_roomActors.TryGetValue(room.RoomId, out var actor)) actor.Tell(new RoomCreationResolved(room));
                _node.Changed(room.RoomId);
                break;
        }
    }

    private bool AddRoom(RoomCreated room, bool persist)
    {
        if (!_directory.Apply(room)) return false;
        if (persist) _node.Store.SaveRoom(room);
        _roomActors.GetOrAdd(room.RoomId, id => Context.ActorOf(RoomActor.Props(room, _node), Uri.EscapeDataString(id)));
        _node.Changed(room.RoomId);
        return true;
    }
}
