namespace CollabEditor.Crdt;

// Edits at a past version, as eg-walker does: the transactions integrated here but not in the version are retreated
// (their inserts become "not inserted", their deletes are undone in the visible count), the edit is made against that
// state and integrated among all items, then the retreated transactions are advanced again.
public sealed partial class TextDocument
{
    /// <summary>The order in which transactions were integrated here, run-length encoded per agent; any such order is
    /// causal, so retreating backwards and advancing forwards along it is safe.</summary>
    private (int Agent, int First, int Count)[] _order = new (int, int, int)[16];
    private int _orderCount;
    private readonly List<Op> _ops = new();

    private void NoteIntegrated(int agent, int txn)
    {
        if (_orderCount > 0)
        {
            ref var last = ref _order[_orderCount - 1];
            if (last.Agent == agent && last.First + last.Count == txn)
            {
                last.Count++;
                return;
            }
        }
        if (_orderCount == _order.Length) Array.Resize(ref _order, _orderCount * 2);
        _order[_orderCount++] = (agent, txn, 1);
    }

    /// <summary>The transactions integrated here and not in <paramref name="version"/>, in integration order.</summary>
    private List<(int Agent, int First, int Count)> DiffFrom(ReadOnlySpan<int> version)
    {
        var pieces = new List<(int, int, int)>();
        var open = 0;
        for (var b = 0; b < _agents.Count; b++)
            if (VersionOf(version, b) < _agents[b].Txns) open++;
        var done = new bool[_agents.Count];
        for (var i = _orderCount - 1; i >= 0 && open > 0; i--)
        {
            var (agent, first, count) = _order[i];
            if (done[agent]) continue;
            var v = VersionOf(version, agent);
            if (first + count <= v) continue;
            var from = Math.Max(first, v);
            pieces.Add((agent, from, first + count - from));
            if (first <= v)
            {
                done[agent] = true;
                open--;
            }
        }
        pieces.Reverse();
        return pieces;
    }

    private static int VersionOf(ReadOnlySpan<int> version, int agent) => agent < version.Length ? version[agent] : 0;

    private void Retreat(List<(int Agent, int First, int Count)> pieces)
    {
        for (var p = pieces.Count - 1; p >= 0; p--)
        {
            var (agent, first, count) = pieces[p];
            _ops.Clear();
            _agents[agent].Log.Collect(first, first + count, _ops);
            for (var i = _ops.Count - 1; i >= 0; i--)
            {
                var op = _ops[i];
                ChangeState(op.Agent, op.Seq, op.Len, op.Kind == OpKind.Insert ? StateChange.Uninsert : StateChange.Undelete);
            }
        }
    }

    private void Advance(List<(int Agent, int First, int Count)> pieces)
    {
        foreach (var (agent, first, count) in pieces)
        {
            _ops.Clear();
            _agents[agent].Log.Collect(first, first + count, _ops);
            foreach (var op in _ops)
                ChangeState(op.Agent, op.Seq, op.Len, op.Kind == OpKind.Insert ? StateChange.Reinsert : StateChange.Delete);
        }
    }
}
