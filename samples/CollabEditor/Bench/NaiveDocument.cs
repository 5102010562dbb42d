using System.Text;
using CollabEditor.Crdt;

namespace CollabEditor.Bench;

/// <summary>
/// The naive baseline: the same CRDT items (id, tombstone) in one flat array of characters, found by a linear scan
/// of the visible ones and inserted by shifting the array; what a sequence CRDT without run-length items or a tree
/// costs.
/// </summary>
public sealed class NaiveDocument
{
    private struct Item
    {
        public int Agent;
        public int Seq;
        public int CodePoint;
        public bool Deleted;
    }

    private Item[] _items = new Item[1024];
    private int _count;
    private int _nextSeq;

    public void Edit(int agent, ReadOnlySpan<Patch> patches)
    {
        foreach (var p in patches)
        {
            if (p.Deleted > 0)
            {
                var i = IndexOfVisible(p.Position);
                for (var left = p.Deleted; left > 0; i++)
                {
                    if (_items[i].Deleted) continue;
                    _items[i].Deleted = true;
                    left--;
                }
            }
            if (string.IsNullOrEmpty(p.Inserted)) continue;
            var at = p.Position == 0 ? 0 : IndexOfVisible(p.Position - 1) + 1;
            var text = p.Inserted;
            for (var k = 0; k < text.Length; k++)
            {
                var cp = char.IsHighSurrogate(text[k]) ? char.ConvertToUtf32(text[k], text[++k]) : text[k];
                if (_count == _items.Length) Array.Resize(ref _items, _count * 2);
                Array.Copy(_items, at, _items, at + 1, _count - at);
                _items[at++] = new Item { Agent = agent, Seq = _nextSeq++, CodePoint = cp };
                _count++;
            }
        }
    }

    private int IndexOfVisible(int pos)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_items[i].Deleted) continue;
            if (pos-- == 0) return i;
        }
        throw new ArgumentOutOfRangeException(nameof(pos));
    }

    public string GetText()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _count; i++)
            if (!_items[i].Deleted) sb.Append(char.ConvertFromUtf32(_items[i].CodePoint));
        return sb.ToString();
    }
}
