using System.Collections.Immutable;
using ActorCausal;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using Akka.Event;
using CollabEditor.Crdt;
using CollabEditor.Editing;

namespace CollabEditor.Nodes;

// Browser pages. Each page edits as its own agent; its edits are made at the version of the text it had (the server
// text it last took plus its own later edits), so edits that crossed on the wire merge as the CRDT merges any
// concurrent edits. Carets travel as causal broadcasts anchored to items, so they move with the text.
public sealed partial class EditorActor
{
    private sealed class Session
    {
        public required string Name;
        public required string AgentName;
        public int Agent;
        public long AckedEdit;
        public Anchor? Caret;
    }

    private sealed record PollStatus
    {
        public static PollStatus Instance { get; } = new();
    }

    private sealed record StatusUnavailable
    {
        public static StatusUnavailable Instance { get; } = new();
    }

    private sealed record Publish
    {
        public static Publish Instance { get; } = new();
    }

    private const int KeptVersions = 2048;
    private readonly Dictionary<IActorRef, Session> _sessions = new();
    private readonly Dictionary<long, int[]> _versionsBySeq = new();
    private readonly Queue<long> _seqOrder = new();
    private readonly Dictionary<string, (Anchor? Anchor, MemberId From)> _remoteCarets = new();
    private readonly HashSet<MemberId> _suspected = new();
    private ImmutableArray<MemberId> _memberIds = ImmutableArray<MemberId>.Empty;
    private long _seq;
    private long _editsRefused;
    private long _heldBack;
    private bool _publishScheduled, _textChanged, _remoteChanged;

    private void RegisterSessions()
    {
        Receive<OpenSession>(OnOpenSession);
        Receive<ClientEdit>(OnClientEdit);
        Receive<ClientCaret>(OnClientCaret);
        Receive<Terminated>(t =>
        {
            if (_sessions.Remove(t.ActorRef, out var s) && s.Caret is not null) BroadcastCaret(s.Name, null);
            PresenceChanged();
        });
        Receive<PollStatus>(_ =>
        {
            if (_group is not null && _sessions.Count > 0)
                _group.Ask<GroupStatus>(GetGroupStatus.Instance, TimeSpan.FromSeconds(5)).PipeTo(Self, failure: _ => StatusUnavailable.Instance);
        });
        Receive<GroupStatus>(s =>
        {
            if (s.Protocol.PendingNow == _heldBack) return;
            _heldBack = s.Protocol.PendingNow;
            PresenceChanged();
        });
        Receive<Publish>(_ => PublishNow());
        Receive<StatusUnavailable>(_ => { }); // the group is busy (a view change); the next poll asks again
        RememberVersion();
    }

    private void OnOpenSession(OpenSession open)
    {
        var name = string.IsNullOrWhiteSpace(open.Name) ? "anonymous" : open.Name.Trim();
        if (name.Length > 40) name = name[..40];
        var agentName = $"{name}@{_selfAddress.Port}-{Guid.NewGuid().ToString("N")[..8]}";
        var session = new Session { Name = name, AgentName = agentName, Agent = _doc.Agent(agentName) };
        _sessions[open.Client] = session;
        Context.Watch(open.Client);
        _seq++;
        RememberVersion();
        open.Client.Tell(new DocumentView(_doc.GetText(), _seq, 0, false, agentName));
        PresenceChanged();
    }

    private void ReRegisterSessions()
    {
        foreach (var s in _sessions.Values) s.Agent = _doc.Agent(s.AgentName);
        _versionsBySeq.Clear();
        _seqOrder.Clear();
        RememberVersion();
    }

    private void OnClientEdit(ClientEdit e)
    {
        if (!_sessions.TryGetValue(Sender, out var s)) return;
        int[] version;
        if (_versionsBySeq.TryGetValue(e.Seq, out var seen))
        {
            version = new int[_doc.AgentCount];
            seen.AsSpan().CopyTo(version);
            version[s.Agent] = _doc.TxnCount(s.Agent);
        }
        else
        {
            version = _doc.VersionVector(); // too old to know: the current text is the best guess
        }
        try
        {
            _doc.EditAt(s.Agent, version, e.Patches, _writer);
            Queue(_writer.ToArray());
        }
        catch (EditRejectedException ex)
        {
            // nothing of it is applied: the page hears why, and takes the text (without it) that follows the ack
            _editsRefused++;
            _log.Warning("page edit refused: {0}", ex.Message);
            Sender.Tell(new EditRefused(e.EditId, ex.Message));
        }
        s.AckedEdit = e.EditId;
        Changed(remote: false);
    }

    private void OnClientCaret(ClientCaret c)
    {
        if (!_sessions.TryGetValue(Sender, out var s)) return;
        s.Caret = _doc.AnchorAt(Math.Clamp(c.Position, 0, _doc.Length));
        BroadcastCaret(s.Name, s.Caret);
        PresenceChanged();
    }

    private void BroadcastCaret(string name, Anchor? anchor)
    {
        FlushPending(); // the caret's item travels first
        _outbox.Enqueue(Payloads.EncodeCaret(name, anchor));
        TrySend();
    }

    /// <summary>After a merge the other side never heard this node's carets (they went to its own group): sent again.</summary>
    private void RebroadcastCarets()
    {
        foreach (var s in _sessions.Values.Where(s => s.Caret is not null)) BroadcastCaret(s.Name, s.Caret);
    }

    private void OnRemoteCaret(Payloads.CaretPayload caret, MemberId from)
    {
        if (caret.Anchor is null && _remoteCarets.Remove(caret.Name)) { }
        else _remoteCarets[caret.Name] = (caret.Anchor, from);
        PresenceChanged();
    }

    private void DropCaretsOf(ImmutableArray<MemberId> left)
    {
        foreach (var name in _remoteCarets.Where(kv => left.Contains(kv.Value.From)).Select(kv => kv.Key).ToList()) _remoteCarets.Remove(name);
    }

    private void RememberVersion()
    {
        _versionsBySeq[_seq] = _doc.VersionVector();
        _seqOrder.Enqueue(_seq);
        while (_seqOrder.Count > KeptVersions) _versionsBySeq.Remove(_seqOrder.Dequeue());
    }

    /// <summary>After any change of the document: a new text sequence number, pages told (coalesced).</summary>
    private void Changed(bool remote)
    {
        if (_sessions.Count == 0) return;
        _seq++;
        RememberVersion();
        _textChanged = true;
        _remoteChanged |= remote;
        SchedulePublish();
    }

    private void PresenceChanged()
    {
        if (_sessions.Count > 0) SchedulePublish();
    }

    private void SchedulePublish()
    {
        if (_publishScheduled) return;
        _publishScheduled = true;
        Self.Tell(Publish.Instance);
    }

    private void PublishNow()
    {
        _publishScheduled = false;
        if (_textChanged)
        {
            var text = _doc.GetText();
            foreach (var (client, s) in _sessions) client.Tell(new DocumentView(text, _seq, s.AckedEdit, _remoteChanged, s.AgentName));
            _textChanged = false;
            _remoteChanged = false;
        }
        var self = _memberIds.FirstOrDefault(m => m.Address == _selfAddress.ToString());
        var members = _memberIds.Select(m => new MemberView(m.Address, _suspected.Contains(m) ? "suspected" : "up", m == self)).ToImmutableArray();
        var version = string.Join(" ", _doc.Version().Where(kv => kv.Value > 0).Select(kv => $"{kv.Key}:{kv.Value}"));
        var carets = _remoteCarets.Select(kv => new CaretView(kv.Key, _doc.PositionOf(kv.Value.Anchor), false))
            .Concat(_sessions.Values.Where(s => s.Caret is not null).Select(s => new CaretView(s.Name, _doc.PositionOf(s.Caret), true)))
            .ToImmutableArray();
        foreach (var (client, s) in _sessions)
        {
            var others = carets.Where(c => !(c.Local && c.Name == s.Name)).ToImmutableArray();
            client.Tell(new PresenceView(members, _heldBack, _doc.TotalTxns, version, others));
        }
    }
}
