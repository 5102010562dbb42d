namespace CollabEditor.Crdt;

/// <summary>An item id by agent name, to anchor a caret to the text so it moves with concurrent edits.</summary>
public readonly record struct Anchor(string Agent, int Seq);

// Carets anchored to items: the item left of a position, and the position right of an item now.
public sealed partial class TextDocument
{
    /// <summary>The item just left of visible position <paramref name="pos"/> (null at the start).</summary>
    public Anchor? AnchorAt(int pos)
    {
        if (pos <= 0 || _root.Vis == 0) return null;
        FindVisible(Math.Min(pos, _root.Vis) - 1, out var leaf, out var idx, out var off);
        ref var r = ref leaf.Runs[idx];
        return new Anchor(_agents[r.Agent].Name, r.Seq + off);
    }

    /// <summary>The visible position just right of the anchored item (0 for the start or an unknown item).</summary>
    public int PositionOf(Anchor? anchor)
    {
        if (anchor is not { } a || !_agentIndex.TryGetValue(a.Agent, out var agent) || a.Seq < 0 || a.Seq >= _agents[agent].NextSeq) return 0;
        FindById(agent, a.Seq, out var leaf, out var idx, out var off);
        var pos = leaf.Runs[idx].State == 1 ? off + 1 : 0;
        for (var i = 0; i < idx; i++) pos += leaf.Runs[i].Visible;
        Node child = leaf;
        for (var p = leaf.Parent; p is not null; child = p, p = p.Parent)
            for (var i = 0; i < p.Count && !ReferenceEquals(p.Children[i], child); i++) pos += p.Children[i].Vis;
        return pos;
    }

    /// <summary>The current version as a vector by local agent index (for edits made at it later).</summary>
    public int[] VersionVector()
    {
        var v = new int[_agents.Count];
        for (var i = 0; i < v.Length; i++) v[i] = _agents[i].Txns;
        return v;
    }
}
