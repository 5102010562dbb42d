namespace ActorCausal.Protocol.Internal;

/// <summary>What a node's group actor last answered a joiner's announcement (or the node's absence of one).</summary>
internal enum PeerAnswer
{
    None,
    /// <summary>The node runs no group actor of this name.</summary>
    NoGroup,
    /// <summary>A member of the group runs there (it acknowledged): the group exists.</summary>
    Member,
    /// <summary>A joiner runs there, on a node older than this one: it founds, not this one.</summary>
    OlderJoiner,
    /// <summary>A joiner runs there, on a younger node: this one founds before it.</summary>
    YoungerJoiner,
}

/// <summary>
/// A joiner's view of the other Up nodes for the founding decision: per node its age relative to this one, whether the
/// failure detector reaches it, and its last answer. Pure bookkeeping; the rule is <see cref="Blocking"/>.
/// </summary>
internal sealed class FoundingPeers
{
    private sealed class Peer
    {
        public bool Older { get; set; }
        public bool Reachable { get; set; } = true;
        public PeerAnswer Answer { get; set; }
    }

    private readonly SortedDictionary<string, Peer> _peers = new(StringComparer.Ordinal);

    public void Up(string node, bool older)
    {
        if (!_peers.TryGetValue(node, out var p)) _peers[node] = p = new Peer();
        p.Older = older;
    }

    public void Gone(string node) => _peers.Remove(node);

    public void Reachable(string node, bool reachable)
    {
        if (_peers.TryGetValue(node, out var p)) p.Reachable = reachable;
    }

    /// <summary>An answer from <paramref name="node"/>; one from a node not (yet) known Up is kept too, as its Up may come later.</summary>
    public void Answered(string node, PeerAnswer answer)
    {
        if (!_peers.TryGetValue(node, out var p))
        {
            _peers[node] = p = new Peer();
            p.Older = answer == PeerAnswer.OlderJoiner;
        }
        p.Answer = answer;
    }

    /// <summary>
    /// The first reachable peer that keeps this joiner from founding, with why, or null: one that has not answered, that
    /// runs a member, or that runs an older joiner.
    /// </summary>
    public string? Blocking()
    {
        foreach (var (node, p) in _peers)
        {
            if (!p.Reachable) continue;
            switch (p.Answer)
            {
                case PeerAnswer.None: return $"{node} (no answer yet)";
                case PeerAnswer.Member: return $"{node} (a member runs there)";
                case PeerAnswer.OlderJoiner: return $"{node} (an older joiner runs there)";
            }
        }
        return null;
    }
}
