using System.Collections.Immutable;
using CollabEditor.Crdt;
using CollabEditor.Traces;

namespace CollabEditor.Nodes;

/// <summary>A local transaction; <see cref="Version"/> (per local agent index) makes it at that past version.</summary>
public sealed record LocalEdit(Patch[] Patches, int[]? Version = null);

/// <summary>Replay a trace from this node, node <see cref="Node"/> of <see cref="Nodes"/>: a concurrent trace's
/// transactions of the agents a with a mod Nodes = Node, in trace order, each once its parents are integrated here; a
/// sequential trace's transactions all (node 0 only, the typist).</summary>
public sealed record StartReplay(EditTrace Trace, Causality? Causality, int Node, int Nodes = 1)
{
    /// <summary>The trace indices this node issues.</summary>
    public int[] Mine { get; } = Trace.Concurrent
        ? Enumerable.Range(0, Trace.Txns.Length).Where(i => Trace.Txns[i].Agent % Nodes == Node).ToArray()
        : [];
}

public sealed record GetEditorStatus
{
    public static GetEditorStatus Instance { get; } = new();
}

public sealed record GetText
{
    public static GetText Instance { get; } = new();
}

public sealed record EditorStatus(
    string Agent,
    long Txns,
    int Length,
    long UpdatesApplied,
    long UpdatesRejected,
    long BroadcastsSent,
    int OutboxDepth,
    long ViewId,
    ImmutableArray<string> Members,
    string? ReplayError,
    IReadOnlyDictionary<string, int> Version,
    int UpdatesWaiting,
    long EditsRefused);

/// <summary>To a page: its edit <see cref="EditId"/> was refused (nothing of it applied), and why.</summary>
public sealed record EditRefused(long EditId, string Reason);

/// <summary>A browser page opens a session: it edits as its own agent, <see cref="Name"/> shown to others.</summary>
public sealed record OpenSession(string Name, Akka.Actor.IActorRef Client);

/// <summary>A page's edit, in code points of the text it had: the server text <see cref="Seq"/> plus its own later edits.</summary>
public sealed record ClientEdit(long Seq, long EditId, Patch[] Patches);

/// <summary>A page's caret, in code points of the current text.</summary>
public sealed record ClientCaret(int Position);

/// <summary>To a page: the text after change <see cref="Seq"/>, which includes the page's edits up to <see cref="AckedEdit"/>.</summary>
public sealed record DocumentView(string Text, long Seq, long AckedEdit, bool Remote, string Agent);

public sealed record MemberView(string Address, string State, bool Self);

public sealed record CaretView(string Name, int Position, bool Local);

/// <summary>To a page: who is in the group and in what state, edits held back, the replica's version, the carets.</summary>
public sealed record PresenceView(ImmutableArray<MemberView> Members, long HeldBack, long Txns, string Version, ImmutableArray<CaretView> Carets);
