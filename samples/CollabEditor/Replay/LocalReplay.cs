using CollabEditor.Crdt;
using CollabEditor.Traces;

namespace CollabEditor.Replay;

/// <summary>EditTrace replays inside one process, without a cluster: the CRDT alone (tests and the benchmark).</summary>
public static class LocalReplay
{
    /// <summary>A trace agent's name, zero-padded so that names order as the indices do (concurrent inserts at one
    /// place are ordered by agent name; diamond-types, which exported the traces, names agents the same way), up to
    /// the loader's 10,000 agents.</summary>
    public static string AgentName(int agent) => "agent" + agent.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

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
    /// version. In the end every replica integrates everything. A replica integrates other agents' transactions in
    /// trace order, which is causal (every parent precedes its child), never agent by agent.
    /// </summary>
    public static TextDocument[] PerAgent(EditTrace trace, Causality causality, bool eager, List<byte[]>? updatesOut = null)
    {
        var n = trace.NumAgents;
        var replicas = new Replica[n];
        for (var a = 0; a < n; a++)
        {
            replicas[a] = new Replica(new TextDocument(), new int[n]);
            for (var b = 0; b < n; b++) replicas[a].Doc.Agent(AgentName(b));
        }
        var updates = new byte[trace.Txns.Length][];
        var writer = new UpdateWriter();
        for (var i = 0; i < trace.Txns.Length; i++)
        {
            var t = trace.Txns[i];
            var a = t.Agent;
            var replica = replicas[a];
            var v = causality.VersionOf[i];
            Integrate(replica, trace, causality, updates, i, eager ? null : v);
            try
            {
                replica.Doc.EditAt(a, v, t.Patches, writer);
            }
            catch (EditRejectedException e)
            {
                throw new TraceFormatException($"transaction {i}: {e.Message}");
            }
            replica.Integrated[a]++;
            updates[i] = writer.ToArray();
        }
        foreach (var replica in replicas) Integrate(replica, trace, causality, updates, trace.Txns.Length, null);
        updatesOut?.AddRange(updates);
        return replicas.Select(r => r.Doc).ToArray();
    }

    /// <summary>
    /// One replica for all agents: every transaction is made in trace order at exactly its parents' version, so most
    /// are edits at a past version (the replica has integrated everything before it). What a cluster node hosting
    /// several agents does; the replay's dry run, since it costs one replica, not one per agent.
    /// </summary>
    public static TextDocument OneReplica(EditTrace trace, Causality causality)
    {
        var doc = new TextDocument();
        for (var b = 0; b < trace.NumAgents; b++) doc.Agent(AgentName(b));
        for (var i = 0; i < trace.Txns.Length; i++)
        {
            try
            {
                doc.EditAt(trace.Txns[i].Agent, causality.VersionOf[i], trace.Txns[i].Patches);
            }
            catch (EditRejectedException e)
            {
                throw new TraceFormatException($"transaction {i}: {e.Message}");
            }
        }
        return doc;
    }

    private sealed class Replica(TextDocument doc, int[] integrated)
    {
        public TextDocument Doc { get; } = doc;

        /// <summary>Per agent: how many of its transactions this replica has integrated (always a causal prefix).</summary>
        public int[] Integrated { get; } = integrated;

        /// <summary>Every transaction before this trace index is integrated.</summary>
        public int Low;
    }

    /// <summary>Integrates, in trace order, the transactions before <paramref name="before"/> that are in
    /// <paramref name="version"/> (all of them when null) and not yet at the replica. A set closed under parents
    /// integrated in trace order is integrated in a causal order.</summary>
    private static void Integrate(Replica replica, EditTrace trace, Causality causality, byte[][] updates, int before, int[]? version)
    {
        var done = replica.Integrated;
        var prefix = true;
        for (var j = replica.Low; j < before; j++)
        {
            var b = trace.Txns[j].Agent;
            var k = causality.IndexInAgent[j];
            if (k >= done[b])
            {
                if (version is not null && k >= version[b])
                {
                    prefix = false;
                    continue;
                }
                try
                {
                    replica.Doc.ApplyUpdate(updates[j]);
                }
                catch (EditRejectedException e)
                {
                    throw new TraceFormatException($"transaction {j}: {e.Message}");
                }
                done[b]++;
            }
            if (prefix) replica.Low = j + 1;
        }
    }
}
