namespace CollabEditor.Traces;

/// <summary>
/// The causal structure of a concurrent trace: for each transaction its index among its agent's transactions and the
/// version (transactions per agent) its parents stand for. Agents' transactions must be sequential: each one's
/// parents include the agent's previous transaction.
/// </summary>
public sealed class Causality
{
    /// <summary>Per transaction: how many transactions of each agent its parents include (its version).</summary>
    public int[][] VersionOf { get; }

    /// <summary>Per transaction: its index among its agent's transactions.</summary>
    public int[] IndexInAgent { get; }

    /// <summary>Per agent: its transactions' trace indices in order.</summary>
    public int[][] ByAgent { get; }

    public Causality(EditTrace trace)
    {
        var n = trace.Txns.Length;
        var agents = trace.NumAgents;
        VersionOf = new int[n][];
        IndexInAgent = new int[n];
        var counts = new int[agents];
        var byAgent = new List<int>[agents];
        for (var a = 0; a < agents; a++) byAgent[a] = new List<int>();
        // own[i]: version after transaction i (its parents' version plus itself)
        var after = new int[n][];
        for (var i = 0; i < n; i++)
        {
            var t = trace.Txns[i];
            var v = new int[agents];
            foreach (var p in t.Parents)
            {
                var pv = after[p];
                for (var a = 0; a < agents; a++)
                    if (pv[a] > v[a]) v[a] = pv[a];
            }
            if (v[t.Agent] != counts[t.Agent])
                throw new TraceFormatException($"transaction {i}: agent {t.Agent}'s parents include {v[t.Agent]} of its transactions, but it made {counts[t.Agent]} before: an agent's transactions must be sequential");
            VersionOf[i] = v;
            IndexInAgent[i] = counts[t.Agent]++;
            byAgent[t.Agent].Add(i);
            var own = (int[])v.Clone();
            own[t.Agent]++;
            after[i] = own;
        }
        ByAgent = byAgent.Select(l => l.ToArray()).ToArray();
    }
}
