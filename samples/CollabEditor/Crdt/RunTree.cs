namespace CollabEditor.Crdt;

// The order-statistic B+tree over runs: leaves hold runs in document order (linked), inner nodes hold the visible and
// total item counts of their subtrees, and every agent maps each of its item counters to the leaf holding it.
public sealed partial class TextDocument
{
    private readonly List<Leaf> _leaves = new();
    private Node _root;
    private Leaf _first;

    // The leaf of the last position lookup and its first visible position: typing goes on where it was.
    private Leaf? _cacheLeaf;
    private int _cacheStart;

    private Leaf NewLeaf()
    {
        var leaf = new Leaf(_leaves.Count);
        _leaves.Add(leaf);
        return leaf;
    }

    private void AddCounts(Node node, int dVis, int dTot)
    {
        if (!ReferenceEquals(node, _cacheLeaf) && dVis != 0) _cacheLeaf = null;
        for (Node? n = node; n is not null; n = n.Parent)
        {
            n.Vis += dVis;
            n.Tot += dTot;
        }
    }

    /// <summary>The <paramref name="pos"/>-th visible item (0-based, pos &lt; visible length).</summary>
    private void FindVisible(int pos, out Leaf leaf, out int idx, out int off)
    {
        int start;
        if (_cacheLeaf is not null && pos >= _cacheStart && pos < _cacheStart + _cacheLeaf.Vis)
        {
            leaf = _cacheLeaf;
            start = _cacheStart;
        }
        else
        {
            var node = _root;
            start = 0;
            while (node is Inner inner)
            {
                var rel = pos - start;
                var last = inner.Count - 1;
                var i = 0;
                for (; i < last; i++)
                {
                    var c = inner.Children[i];
                    if (rel < c.Vis) break;
                    rel -= c.Vis;
                    start += c.Vis;
                }
                node = inner.Children[i];
            }
            leaf = (Leaf)node;
            _cacheLeaf = leaf;
            _cacheStart = start;
        }
        var r = pos - start;
        var runs = leaf.Runs;
        for (var i = 0; i < leaf.Count; i++)
        {
            if (runs[i].State != 1) continue;
            if (r < runs[i].Len)
            {
                idx = i;
                off = r;
                return;
            }
            r -= runs[i].Len;
        }
        throw new InvalidOperationException($"corrupt tree: visible position {pos} not found");
    }

    /// <summary>The run holding item (agent, seq); the caller has checked that the item exists.</summary>
    private void FindById(int agent, int seq, out Leaf leaf, out int idx, out int off)
    {
        leaf = _leaves[_agents[agent].LeafOf[seq]];
        var runs = leaf.Runs;
        for (var i = 0; i < leaf.Count; i++)
        {
            ref var run = ref runs[i];
            if (run.Agent == agent && seq >= run.Seq && seq < run.Seq + run.Len)
            {
                idx = i;
                off = seq - run.Seq;
                return;
            }
        }
        throw new InvalidOperationException($"corrupt index: item ({_agents[agent].Name}, {seq}) not in its leaf");
    }

    /// <summary>The position of item (agent, seq) among all items, visible or not.</summary>
    private long DocIndexOf(int agent, int seq)
    {
        FindById(agent, seq, out var leaf, out var idx, out var off);
        long index = off;
        for (var i = 0; i < idx; i++) index += leaf.Runs[i].Len;
        Node child = leaf;
        for (var p = leaf.Parent; p is not null; child = p, p = p.Parent)
        {
            for (var i = 0; i < p.Count; i++)
            {
                var c = p.Children[i];
                if (ReferenceEquals(c, child)) break;
                index += c.Tot;
            }
        }
        return index;
    }

    /// <summary>Moves (leaf, idx, off) to the item it designates: past the end of a run to the next run, past the end
    /// of a leaf to the next leaf. False at the end of the document.</summary>
    private static bool Normalize(ref Leaf leaf, ref int idx, ref int off)
    {
        if (idx < leaf.Count && off == leaf.Runs[idx].Len)
        {
            idx++;
            off = 0;
        }
        while (idx >= leaf.Count)
        {
            if (leaf.Next is null) return false;
            leaf = leaf.Next;
            idx = 0;
            off = 0;
        }
        return true;
    }

    /// <summary>Makes room for one more run at insertion index <paramref name="idx"/>, splitting the leaf if full.</summary>
    private void EnsureRoom(ref Leaf leaf, ref int idx)
    {
        if (leaf.Count < Leaf.Capacity) return;
        var right = SplitLeaf(leaf);
        if (idx > leaf.Count)
        {
            idx -= leaf.Count;
            leaf = right;
        }
    }

    private Leaf SplitLeaf(Leaf leaf)
    {
        var right = NewLeaf();
        var half = leaf.Count / 2;
        var moved = leaf.Count - half;
        Array.Copy(leaf.Runs, half, right.Runs, 0, moved);
        right.Count = moved;
        leaf.Count = half;
        for (var i = 0; i < moved; i++)
        {
            ref var run = ref right.Runs[i];
            _agents[run.Agent].SetLeaf(run.Seq, run.Len, right.Id);
        }
        leaf.Recount();
        right.Recount();
        right.Next = leaf.Next;
        leaf.Next = right;
        _cacheLeaf = null;
        InsertChildAfter(leaf, right);
        return right;
    }

    private void InsertChildAfter(Node left, Node right)
    {
        var parent = left.Parent;
        if (parent is null)
        {
            var root = new Inner();
            root.Children[0] = left;
            root.Children[1] = right;
            root.Count = 2;
            left.Parent = root;
            right.Parent = root;
            root.Recount();
            _root = root;
            return;
        }
        if (parent.Count < Inner.Capacity)
        {
            InsertChildAt(parent, parent.IndexOf(left) + 1, right);
            return;
        }
        var sibling = new Inner();
        var half = parent.Count / 2;
        for (var i = half; i < parent.Count; i++)
        {
            var c = parent.Children[i];
            sibling.Children[i - half] = c;
            c.Parent = sibling;
            parent.Children[i] = null!;
        }
        sibling.Count = parent.Count - half;
        parent.Count = half;
        var host = left.Parent!;
        InsertChildAt(host, host.IndexOf(left) + 1, right);
        parent.Recount();
        sibling.Recount();
        InsertChildAfter(parent, sibling);
    }

    private static void InsertChildAt(Inner parent, int index, Node child)
    {
        Array.Copy(parent.Children, index, parent.Children, index + 1, parent.Count - index);
        parent.Children[index] = child;
        parent.Count++;
        child.Parent = parent;
    }

    /// <summary>Inserts a new run at insertion index idx of the leaf (making room), indexes it and counts it.</summary>
    private void InsertRun(ref Leaf leaf, ref int idx, in Run run)
    {
        EnsureRoom(ref leaf, ref idx);
        Array.Copy(leaf.Runs, idx, leaf.Runs, idx + 1, leaf.Count - idx);
        leaf.Runs[idx] = run;
        leaf.Count++;
        _agents[run.Agent].SetLeaf(run.Seq, run.Len, leaf.Id);
        AddCounts(leaf, run.Visible, run.Len);
    }

    /// <summary>Splits run idx at offset off (0 &lt; off &lt; Len); afterwards (leaf, idx) is the left part and idx + 1
    /// the right part, in the same leaf.</summary>
    private void SplitRun(ref Leaf leaf, ref int idx, int off)
    {
        var ins = idx + 1;
        EnsureRoom(ref leaf, ref ins);
        idx = ins - 1;
        ref var run = ref leaf.Runs[idx];
        var tail = run.TailFrom(off);
        run.Len = off;
        Array.Copy(leaf.Runs, ins, leaf.Runs, ins + 1, leaf.Count - ins);
        leaf.Runs[ins] = tail;
        leaf.Count++;
    }

    /// <summary>Merges run idx + 1 into run idx when it continues it.</summary>
    private static bool TryMergeNext(Leaf leaf, int idx)
    {
        if (idx < 0 || idx + 1 >= leaf.Count || !leaf.Runs[idx].CanAppend(leaf.Runs[idx + 1])) return false;
        leaf.Runs[idx].Len += leaf.Runs[idx + 1].Len;
        Array.Copy(leaf.Runs, idx + 2, leaf.Runs, idx + 1, leaf.Count - idx - 2);
        leaf.Count--;
        return true;
    }

    /// <summary>Sets the state of items [seq, seq + len) of an agent through <paramref name="change"/>, splitting runs at
    /// the range's ends and merging the pieces back where they continue each other.</summary>
    private void ChangeState(int agent, int seq, int len, StateChange change)
    {
        while (len > 0)
        {
            FindById(agent, seq, out var leaf, out var idx, out var off);
            if (off > 0)
            {
                SplitRun(ref leaf, ref idx, off);
                idx++;
            }
            var take = Math.Min(len, leaf.Runs[idx].Len);
            if (take < leaf.Runs[idx].Len) SplitRun(ref leaf, ref idx, take);
            ref var run = ref leaf.Runs[idx];
            var before = run.State;
            run.State = change switch
            {
                StateChange.Delete => before + 1,
                StateChange.Undelete => before - 1,
                StateChange.Uninsert => 0,
                _ => 1,
            };
            var dVis = (run.State == 1 ? take : 0) - (before == 1 ? take : 0);
            if (dVis != 0) AddCounts(leaf, dVis, 0);
            TryMergeNext(leaf, idx);
            TryMergeNext(leaf, idx - 1);
            seq += take;
            len -= take;
        }
    }

    private enum StateChange
    {
        Delete,
        Undelete,
        Uninsert,
        Reinsert,
    }
}
