using CollabEditor.Crdt;
using CollabEditor.Traces;

namespace CollabEditor.Replay;

/// <summary>EditTrace replays inside one process, without a cluster: the CRDT alone (tests and the benchmark).</summary>
public static class LocalReplay
{
    public static string AgentName(int agent) => "agent" + agent;

    /// <summary>Applies every transaction in order at one replica; collects each transaction's update if asked.</summary>
    public static TextDocument Sequential(EditTrace trace, List<byte[]>? updates = null)
    {
        var doc = new TextDocument();
        var agent = doc.Agent(AgentName(0));
        var writer = updates is null ? null : new UpdateWriter();
        if (trace.StartContent.Length > 0)
        {
            doc.Edit(agent, [new Patch(0, 0, trace.StartContent)], writer);
            updates?.Add(writer!.ToArray());
        }
        var txns = trace.Txns;
        for (var i = 0; i < txns.Length; i++)
        {
            try
            {
                doc.Edit(agent, txns[i].Patches, writer);
            }
            catch (EditRejectedException e)
            {
                throw new TraceFormatException($"transaction {i}: {e.Message}");
            }
            updates?.Add(writer!.ToArray());
        }
        return doc;
    }

    /// <summary>
    /// One replica per agent. Each transaction is made at its agent's replica at exactly its parents' version. With
    /// <paramref name="eager"/> false a replica first integrates exactly the other agents' transactions its parents
    /// name (merging at the parents); with true it integrates everything made so far, so the edit is made at a past
    /// version. In the end every replica integrates everything.
    /// </summary>
    public static TextDocument[] PerAgent(EditTrace trace, Causality causality, bool eager, List<byte[]>? updatesOut = null)
    {
        var n = trace.NumAgents;
        var docs = new TextDocument[n];
        for (var a = 0; a < n; a++)
        {
            docs[a] = new TextDocument();
            for (var b = 0; b < n; b++) docs[a].Agent(AgentName(b));
        }
        var updates = new byte[trace.Txns.Length][];
        var delivered = new int[n][];
        for (var a = 0; a < n; a++) delivered[a] = new int[n];
        var writer = new UpdateWriter();
        for (var i = 0; i < trace.Txns.Length; i++)
        {
            var t = trace.Txns[i];
            var a = t.Agent;
            var doc = docs[a];
            var mine = delivered[a];
            var v = causality.VersionOf[i];
            for (var b = 0; b < n; b++)
            {
                if (b == a) continue;
                var upTo = eager ? CreatedSoFar(causality, b, i) : v[b];
                var list = causality.ByAgent[b];
                while (mine[b] < upTo) doc.ApplyUpdate(updates[list[mine[b]++]]);
            }
            try
            {
                doc.EditAt(a, v, t.Patches, writer);
            }
            catch (EditRejectedException e)
            {
                throw new TraceFormatException($"transaction {i}: {e.Message}");
            }
            mine[a]++;
            updates[i] = writer.ToArray();
        }
        for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++)
            {
                if (b == a) continue;
                var list = causality.ByAgent[b];
                while (delivered[a][b] < list.Length) docs[a].ApplyUpdate(updates[list[delivered[a][b]++]]);
            }
        updatesOut?.AddRange(updates);
        return docs;
    }

    private static int CreatedSoFar(Causality causality, int agent, int before)
    {
        var list = causality.ByAgent[agent];
        int lo = 0, hi = list.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (list[mid] < before) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
