using System.Collections.Immutable;
using CollabEditor.Crdt;
using CollabEditor.Traces;

namespace CollabEditor.Nodes;

/// <summary>A local transaction; <see cref="Version"/> (per local agent index) makes it at that past version.</summary>
public sealed record LocalEdit(Patch[] Patches, int[]? Version = null);

/// <summary>Replay a trace from this node: a concurrent trace's transactions of <see cref="Agent"/> each once its
/// parents are integrated here; a sequential trace's transactions all (Agent 0 only, the typist).</summary>
public sealed record StartReplay(EditTrace Trace, Causality? Causality, int Agent);

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
    IReadOnlyDictionary<string, int> Version);

/// <summary>Sent to subscribers (the web layer) after changes: the text now, and whether remote edits changed it.</summary>
public sealed record DocumentChanged(string Text, bool Remote, long Txns);

public sealed record SubscribeEditor(Akka.Actor.IActorRef Listener);
