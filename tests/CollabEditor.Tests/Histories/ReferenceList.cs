using System.Text;

namespace CollabEditor.Tests.Histories;

/// <summary>An item id: the agent's index and the item's counter among everything that agent inserted.</summary>
public readonly record struct ItemId(int Agent, int Seq);

/// <summary>One inserted code point of the reference: its id, its two origins, the transaction that made it.</summary>
public sealed class RefItem(ItemId id, ItemId? left, ItemId? right, string text, int txn)
{
    public ItemId Id { get; } = id;
    public ItemId? Left { get; } = left;
    public ItemId? Right { get; } = right;
    public string Text { get; } = text;
    public int Txn { get; } = txn;
    public bool Deleted { get; set; }
}

/// <summary>An operation by id, as a replica sends it: an item to integrate, or an item to delete.</summary>
public sealed record RefOp(RefItem? Insert, ItemId? Delete);

/// <summary>
/// The oracle: the naive reference of the sequence CRDT the editor claims to implement, written from the published
/// algorithm and not from the editor's code. One flat list of every item ever inserted (tombstones stay), a linear
/// search per lookup; origins are the visible item left of the insert and the next item of the list after it;
/// concurrent inserts are placed by the YjsMod scan (Gentle's integration, equal to FugueMax), ties between siblings
/// with both origins equal broken by agent name, then counter. Quadratic, fine for a few hundred items.
/// </summary>
public sealed class ReferenceList(Func<int, string> agentName)
{
    private readonly List<RefItem> _items = new();

    public IReadOnlyList<RefItem> Items => _items;

    public string Text()
    {
        var sb = new StringBuilder();
        foreach (var i in _items)
            if (!i.Deleted) sb.Append(i.Text);
        return sb.ToString();
    }

    public int Length => _items.Count(i => !i.Deleted);

    /// <summary>Inserts <paramref name="text"/> at visible position <paramref name="pos"/>; returns the ops.</summary>
    public List<RefOp> Insert(int agent, ref int nextSeq, int pos, string text, int txn)
    {
        var leftIdx = pos == 0 ? -1 : VisibleIndex(pos - 1);
        ItemId? left = leftIdx < 0 ? null : _items[leftIdx].Id;
        ItemId? right = leftIdx + 1 < _items.Count ? _items[leftIdx + 1].Id : null;
        var ops = new List<RefOp>();
        foreach (var rune in text.EnumerateRunes())
        {
            var item = new RefItem(new ItemId(agent, nextSeq++), left, right, rune.ToString(), txn);
            Integrate(item);
            ops.Add(new RefOp(item, null));
            left = item.Id;
        }
        return ops;
    }

    /// <summary>Deletes <paramref name="count"/> visible items from <paramref name="pos"/>; returns the ops.</summary>
    public List<RefOp> Delete(int pos, int count)
    {
        var ops = new List<RefOp>();
        for (var k = 0; k < count; k++)
        {
            var item = _items[VisibleIndex(pos)];
            item.Deleted = true;
            ops.Add(new RefOp(null, item.Id));
        }
        return ops;
    }

    /// <summary>Applies another replica's ops (their causal past is here).</summary>
    public void Apply(IEnumerable<RefOp> ops)
    {
        foreach (var op in ops)
        {
            if (op.Insert is { } ins) Integrate(new RefItem(ins.Id, ins.Left, ins.Right, ins.Text, ins.Txn));
            else _items[IndexOf(op.Delete)].Deleted = true;
        }
    }

    private int VisibleIndex(int pos)
    {
        for (var i = 0; i < _items.Count; i++)
            if (!_items[i].Deleted && pos-- == 0) return i;
        throw new InvalidOperationException("position past the end");
    }

    private int IndexOf(ItemId? id)
    {
        if (id is null) return -1;
        var i = _items.FindIndex(x => x.Id == id);
        return i >= 0 ? i : throw new InvalidOperationException($"item {id} missing: causal past not integrated");
    }

    private void Integrate(RefItem item)
    {
        var left = IndexOf(item.Left);
        var right = item.Right is null ? _items.Count : IndexOf(item.Right);
        var dest = left + 1;
        var scanning = false;
        for (var i = left + 1; ; i++)
        {
            if (!scanning) dest = i;
            if (i == _items.Count || i == right) break;
            var other = _items[i];
            var oleft = IndexOf(other.Left);
            var oright = other.Right is null ? _items.Count : IndexOf(other.Right);
            if (oleft < left) break; // other belongs to an enclosing insert: we go before it
            if (oleft > left) continue; // inside a sibling's subtree: skip
            if (oright < right)
            {
                scanning = true; // a sibling we may pass: remember the spot
                continue;
            }
            if (oright == right)
            {
                var c = string.CompareOrdinal(agentName(item.Id.Agent), agentName(other.Id.Agent));
                if (c < 0 || (c == 0 && item.Id.Seq < other.Id.Seq)) break;
            }
            scanning = false;
        }
        _items.Insert(dest, item);
    }
}
