using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// "Must come first" among a flush's open total-order messages, as a sparse graph with the same transitive closure as
/// the full relation: a comes before b (a ≠ b) when they have the same sender and a's sequence is smaller, when b's
/// clock has seen a, or when both have known finals, of different senders, and a's is smaller. Nodes 0..n-1 are the
/// messages (their index in the list); nodes from n on connect messages without being messages (they carry the finals
/// relation in O(n · senders) edges). Every path between two messages stands for a pair of the relation, and every
/// pair has a path.
/// </summary>
internal sealed class PrecedenceGraph
{
    private readonly int[] _start;
    private readonly int[] _targets;

    private PrecedenceGraph(int nodes, List<(int From, int To)> edges)
    {
        Nodes = nodes;
        _start = new int[nodes + 1];
        foreach (var (from, _) in edges) _start[from + 1]++;
        for (var v = 0; v < nodes; v++) _start[v + 1] += _start[v];
        _targets = new int[edges.Count];
        var next = (int[])_start.Clone();
        foreach (var (from, to) in edges) _targets[next[from]++] = to;
    }

    /// <summary>Messages and connecting nodes.</summary>
    public int Nodes { get; }

    public ReadOnlySpan<int> Successors(int node) => _targets.AsSpan(_start[node], _start[node + 1] - _start[node]);

    public int[] InDegrees()
    {
        var degrees = new int[Nodes];
        foreach (var to in _targets) degrees[to]++;
        return degrees;
    }

    public static PrecedenceGraph Build(List<DataMessage> totals, Dictionary<MessageId, Priority> finals)
    {
        var n = totals.Count;
        var edges = new List<(int, int)>(3 * n);
        var senders = BySender(totals);

        // Same sender: a chain in sequence order; its closure is every earlier-later pair.
        foreach (var (_, indices, _) in senders)
        {
            for (var k = 1; k < indices.Length; k++) edges.Add((indices[k - 1], indices[k]));
        }

        // Causal past: from each other sender, only the latest message b's clock has seen (the chain brings the earlier).
        for (var b = 0; b < n; b++)
        {
            var m = totals[b];
            foreach (var (sender, indices, sequences) in senders)
            {
                if (sender == m.Sender) continue;
                var seen = LastAtMost(sequences, m.Clock[sender]);
                if (seen >= 0) edges.Add((indices[seen], b));
            }
        }

        var nodes = n;
        AddFinals(totals, finals, senders, edges, ref nodes);
        return new PrecedenceGraph(nodes, edges);
    }

    /// <summary>
    /// Known finals of different senders, in priority order. For each sender s with finals, a chain of connecting nodes
    /// runs through the messages of the other senders in priority order: every such message leads into the chain at its
    /// priority, and each message of s leaves it just below its own priority, so it is reached from exactly the
    /// other senders' messages with a smaller final.
    /// </summary>
    private static void AddFinals(List<DataMessage> totals, Dictionary<MessageId, Priority> finals, List<(int Sender, int[] Indices, long[] Sequences)> senders, List<(int, int)> edges, ref int nodes)
    {
        if (finals.Count == 0) return;
        var decided = new List<(Priority Priority, int Index)>();
        for (var i = 0; i < totals.Count; i++)
        {
            if (finals.TryGetValue(totals[i].Id, out var f)) decided.Add((f, i));
        }
        if (decided.Count < 2) return;
        decided.Sort((x, y) => x.Priority.CompareTo(y.Priority));
        var withFinals = new HashSet<int>();
        foreach (var (_, i) in decided) withFinals.Add(totals[i].Sender);

        foreach (var s in withFinals)
        {
            var chain = -1;
            for (var start = 0; start < decided.Count;)
            {
                var end = start;
                while (end < decided.Count && decided[end].Priority == decided[start].Priority) end++;
                // Equal priorities are not ordered: s's messages here leave the chain before the others join it.
                var joins = false;
                for (var k = start; k < end; k++)
                {
                    var i = decided[k].Index;
                    if (totals[i].Sender == s)
                    {
                        if (chain >= 0) edges.Add((chain, i));
                    }
                    else
                    {
                        joins = true;
                    }
                }
                if (joins)
                {
                    var link = nodes++;
                    if (chain >= 0) edges.Add((chain, link));
                    for (var k = start; k < end; k++)
                    {
                        var i = decided[k].Index;
                        if (totals[i].Sender != s) edges.Add((i, link));
                    }
                    chain = link;
                }
                start = end;
            }
        }
    }

    /// <summary>Each sender's messages in sequence order, with their sequences for binary search.</summary>
    private static List<(int Sender, int[] Indices, long[] Sequences)> BySender(List<DataMessage> totals)
    {
        var groups = new Dictionary<int, List<int>>();
        for (var i = 0; i < totals.Count; i++)
        {
            var sender = totals[i].Sender;
            if (!groups.TryGetValue(sender, out var list)) groups[sender] = list = new List<int>();
            list.Add(i);
        }
        var result = new List<(int, int[], long[])>(groups.Count);
        foreach (var (sender, list) in groups.OrderBy(g => g.Key))
        {
            var indices = list.ToArray();
            var sequences = indices.Select(i => totals[i].Sequence).ToArray();
            Array.Sort(sequences, indices);
            for (var k = 1; k < sequences.Length; k++)
            {
                if (sequences[k] == sequences[k - 1])
                    throw new ArgumentException($"The open total-order messages list message {sender}.{sequences[k]} twice.", nameof(totals));
            }
            result.Add((sender, indices, sequences));
        }
        return result;
    }

    /// <summary>The index of the last entry ≤ <paramref name="value"/> in ascending <paramref name="sorted"/>, or -1.</summary>
    private static int LastAtMost(long[] sorted, long value)
    {
        if (sorted.Length == 0 || sorted[0] > value) return -1;
        if (sorted[^1] <= value) return sorted.Length - 1;
        var found = Array.BinarySearch(sorted, value);
        return found >= 0 ? found : ~found - 1;
    }
}
