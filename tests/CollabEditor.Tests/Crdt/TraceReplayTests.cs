using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Tests.Support;
using CollabEditor.Traces;

namespace CollabEditor.Tests.Crdt;

public class TraceReplayTests
{
    [Theory]
    [InlineData("automerge-paper")]
    [InlineData("sveltecomponent")]
    public void Sequential_trace_replayed_locally_ends_at_endContent(string name)
    {
        var trace = TraceFiles.Get(name);
        var doc = LocalReplay.Sequential(trace);
        Assert.Equal(trace.EndContent, doc.GetText());
        Assert.Equal(TextDocument.CodePoints(trace.EndContent), doc.Length);
    }

    [Fact]
    public void Every_per_transaction_update_applied_to_an_empty_replica_gives_endContent()
    {
        var trace = TraceFiles.Get("sveltecomponent");
        var updates = new List<byte[]>();
        LocalReplay.Sequential(trace, updates);
        var remote = new TextDocument();
        foreach (var u in updates) Assert.True(remote.ApplyUpdate(u));
        Assert.Equal(trace.EndContent, remote.GetText());
        Assert.False(remote.ApplyUpdate(updates[^1]), "a duplicate update is ignored");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Friendsforever_one_replica_per_agent_converges_at_endContent(bool eager)
    {
        // eager: every replica has integrated everything made so far, so each edit is made at a past version.
        var trace = TraceFiles.Get("friendsforever");
        var docs = LocalReplay.PerAgent(trace, new Causality(trace), eager);
        Assert.Equal(2, docs.Length);
        foreach (var d in docs) Assert.Equal(trace.EndContent, d.GetText());
    }
}

public class StateTests
{
    [Theory]
    [InlineData("sveltecomponent")]
    [InlineData("friendsforever")]
    public void A_replica_loaded_from_the_encoded_state_has_the_text_and_goes_on_converging(string name)
    {
        var trace = TraceFiles.Get(name);
        var doc = trace.Concurrent ? LocalReplay.PerAgent(trace, new Causality(trace), eager: false)[0] : LocalReplay.Sequential(trace);
        var state = doc.EncodeState();
        Assert.True(state.Length < doc.ItemCount, $"state of {state.Length} bytes for {doc.ItemCount} items: not under a byte per item");
        var joiner = TextDocument.LoadState(state);
        Assert.Equal(trace.EndContent, joiner.GetText());
        // both go on editing concurrently and exchange their updates
        var w = new UpdateWriter();
        var me = joiner.Agent("joiner");
        joiner.Edit(me, [new Patch(3, 2, "😀 joined ")], w);
        var fromJoiner = w.ToArray();
        doc.Edit(doc.Agent(LocalReplay.AgentName(0)), [new Patch(3, 0, "old ")], w);
        var fromOld = w.ToArray();
        Assert.True(doc.ApplyUpdate(fromJoiner));
        Assert.True(joiner.ApplyUpdate(fromOld));
        Assert.Equal(doc.GetText(), joiner.GetText());
        Assert.Throws<EditRejectedException>(() => TextDocument.LoadState(state.AsSpan(0, state.Length / 2)));
    }

    [Fact]
    public void A_corrupted_state_is_refused_or_loads_a_usable_document_never_anything_else()
    {
        var doc = new TextDocument();
        var a = doc.Agent("a");
        var b = doc.Agent("b");
        doc.Edit(a, [new Patch(0, 0, "the quick brown fox ")]);
        doc.Edit(b, [new Patch(4, 0, "very ")]);
        doc.Edit(a, [new Patch(2, 6, ""), new Patch(0, 0, "é😀")]);
        doc.Edit(b, [new Patch(doc.Length, 0, " jumps")]);
        var state = doc.EncodeState();
        var random = new Random(20261201);
        var refused = 0;
        for (var i = 0; i < state.Length; i++)
        {
            foreach (var flip in new[] { 0x01, 0x80, random.Next(1, 256) })
            {
                var bad = (byte[])state.Clone();
                bad[i] ^= (byte)flip;
                TextDocument loaded;
                try { loaded = TextDocument.LoadState(bad); }
                catch (EditRejectedException) { refused++; continue; }
                // accepted: a document that reads, edits and encodes again
                _ = loaded.GetText();
                loaded.Edit(loaded.Agent("c"), [new Patch(0, 0, "x")]);
                Assert.Equal(loaded.GetText(), TextDocument.LoadState(loaded.EncodeState()).GetText());
            }
        }
        Assert.True(refused > state.Length, $"only {refused} of {3 * state.Length} corruptions refused");
    }

    [Fact]
    public void State_with_non_ascii_text_and_deleted_runs_round_trips()
    {
        // runs mixing ASCII, 2- and 3-byte UTF-8 and astral code points, some deleted: the decoder's fast ASCII copy
        // and its code point path meet in one state
        var doc = new TextDocument();
        var a = doc.Agent("a");
        var b = doc.Agent("b");
        doc.Edit(a, [new Patch(0, 0, "plain ascii text, ")]);
        doc.Edit(b, [new Patch(6, 0, "héllo wörld ")]);
        doc.Edit(a, [new Patch(0, 0, "😀 astral 𝄞 and 中文 ")]);
        doc.Edit(b, [new Patch(2, 3, ""), new Patch(10, 0, "x😀y")]);
        doc.Edit(a, [new Patch(doc.Length, 0, "ascii tail")]);
        var loaded = TextDocument.LoadState(doc.EncodeState());
        Assert.Equal(doc.GetText(), loaded.GetText());
        Assert.Equal(doc.Length, loaded.Length);
        Assert.Equal(doc.ItemCount, loaded.ItemCount);
        var again = TextDocument.LoadState(loaded.EncodeState());
        Assert.Equal(doc.GetText(), again.GetText());
        var w = new UpdateWriter();
        loaded.Edit(loaded.Agent("c"), [new Patch(1, 2, "ü")], w);
        Assert.True(doc.ApplyUpdate(w.ToArray()));
        Assert.Equal(doc.GetText(), loaded.GetText());
    }
}

/// <summary>The eg-walker paper's asynchronous traces: hundreds of agents (git authors), deep concurrency, merges of up
/// to nine parents. Every replica integrates the others' transactions in causal order.</summary>
public class ManyWriterTraceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A1_one_replica_per_agent_converges_at_endContent(bool eager)
    {
        var trace = TraceFiles.Get("A1");
        Assert.Equal(204, trace.NumAgents);
        var docs = LocalReplay.PerAgent(trace, new Causality(trace), eager);
        Assert.Equal(trace.NumAgents, docs.Length);
        foreach (var d in docs) Assert.Equal(trace.EndContent, d.GetText());
    }

    [Fact]
    public void A1_on_one_replica_making_every_agents_edits_at_its_parents_ends_at_endContent()
    {
        var trace = TraceFiles.Get("A1");
        Assert.Equal(trace.EndContent, LocalReplay.OneReplica(trace, new Causality(trace)).GetText());
    }

    /// <summary>
    /// A2's shipped endContent is what the eg-walker reference implementation yields for the trace's own agents (the
    /// paper's was diamond-types' under the authors' names and sequence numbers, which the export drops; kept as
    /// dtEndContent, traces/README.md). All 375 replicas, merging at the parents or at past versions, and one replica
    /// making every agent's edits, end at it.
    /// </summary>
    [Fact]
    public void A2_every_replica_converges_at_endContent()
    {
        var trace = TraceFiles.Get("A2");
        Assert.Equal(375, trace.NumAgents);
        var causality = new Causality(trace);
        foreach (var d in LocalReplay.PerAgent(trace, causality, eager: false)) Assert.Equal(trace.EndContent, d.GetText());
        foreach (var d in LocalReplay.PerAgent(trace, causality, eager: true)) Assert.Equal(trace.EndContent, d.GetText());
        Assert.Equal(trace.EndContent, LocalReplay.OneReplica(trace, causality).GetText());
    }
}
