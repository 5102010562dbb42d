using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Traces;

namespace CollabEditor.Tests.Histories;

/// <summary>
/// Generated concurrent histories against the reference: every replica of the editor's CRDT, whatever causal order it
/// integrates in (merging exactly at the parents, at past versions, or in a random arrival order through the causal
/// buffer), ends with the reference's text; characters surviving = inserted − deleted; each run of uninterrupted typing
/// stays contiguous. 300 seeds by default; <c>COLLAB_HISTORY_SEEDS=N</c> runs seeds 1..N.
/// </summary>
public class GeneratedHistoryTests
{
    public static IEnumerable<object[]> Seeds()
    {
        var n = int.TryParse(Environment.GetEnvironmentVariable("COLLAB_HISTORY_SEEDS"), out var v) && v > 0 ? v : 300;
        return Enumerable.Range(1, n).Select(s => new object[] { s });
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_replica_equals_the_reference(int seed)
    {
        var h = HistoryGenerator.Generate(seed);
        var expected = h.Trace.EndContent;
        var causality = new Causality(h.Trace);
        var updates = new List<byte[]>();
        var merged = LocalReplay.PerAgent(h.Trace, causality, eager: false, updates);
        var past = LocalReplay.PerAgent(h.Trace, causality, eager: true);
        for (var k = 0; k < merged.Length; k++)
        {
            Assert.True(expected == merged[k].GetText(), $"{h}: replica {k} merging at the parents differs from the reference");
            Assert.True(expected == past[k].GetText(), $"{h}: replica {k} editing at past versions differs from the reference");
        }
        Assert.True(expected == LocalReplay.OneReplica(h.Trace, causality).GetText(), $"{h}: one replica making every agent's edits differs from the reference");
        // any arrival order: a replica that receives every update shuffled holds the early ones back
        var rnd = new Random(seed);
        var shuffled = updates.OrderBy(_ => rnd.Next()).ToList();
        var late = new TextDocument();
        var buffer = new CausalBuffer();
        var applied = shuffled.Sum(u => buffer.Offer(late, u));
        Assert.True(updates.Count == applied && buffer.Count == 0, $"{h}: {applied} of {updates.Count} updates integrated, {buffer.Count} held");
        Assert.True(expected == late.GetText(), $"{h}: the replica integrating in arrival order differs from the reference");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Surviving_characters_are_inserted_minus_deleted_and_typing_runs_stay_contiguous(int seed)
    {
        var h = HistoryGenerator.Generate(seed);
        Assert.True(h.Inserted - h.DeletedItems == TextDocument.CodePoints(h.Trace.EndContent), $"{h}: length {TextDocument.CodePoints(h.Trace.EndContent)}");
        var doc = LocalReplay.PerAgent(h.Trace, new Causality(h.Trace), eager: true)[0];
        Assert.True(h.Inserted - h.DeletedItems == doc.Length, $"{h}: the replica has {doc.Length} characters");
        var index = new Dictionary<ItemId, int>();
        for (var i = 0; i < h.Reference.Items.Count; i++) index[h.Reference.Items[i].Id] = i;
        foreach (var run in h.Runs)
        {
            var first = index[run.Items[0]];
            var last = index[run.Items[^1]];
            Assert.True(first < last || run.Items.Count == 1, $"{h}: agent {run.Agent}'s run is reversed");
            var mine = run.Items.ToHashSet();
            for (var i = first; i <= last; i++)
            {
                var item = h.Reference.Items[i];
                if (mine.Contains(item.Id)) continue;
                // only an edit made after seeing part of the run (or by a later patch of its transaction) may sit inside it
                Assert.True(run.Txns.Contains(item.Txn) || h.Past[item.Txn].Overlaps(run.Txns),
                    $"{h}: agent {run.Agent}'s typing is interleaved with ({item.Id.Agent}, {item.Id.Seq}) of transaction {item.Txn}, concurrent with it");
            }
        }
    }

    [Fact]
    public void The_generator_makes_concurrent_histories_with_the_promised_shapes()
    {
        var histories = Enumerable.Range(1, 100).Select(HistoryGenerator.Generate).ToList();
        Assert.Contains(histories, h => h.Trace.NumAgents == 3);
        Assert.Contains(histories, h => h.Trace.NumAgents == 8);
        Assert.All(histories, h => Assert.InRange(h.Trace.NumAgents, 3, 8));
        Assert.Contains(histories, h => h.Trace.Txns.Count(t => t.Parents.Length == 0) > 1); // several roots
        Assert.Contains(histories, h => h.Trace.Txns.Any(t => t.Parents.Length > 2)); // merges
        Assert.Contains(histories, h => h.Trace.EndContent.Any(char.IsSurrogate)); // astral characters survive
        Assert.Contains(histories, h => h.Runs.Any(r => r.Txns.Count > 3)); // typing sessions
        Assert.Contains(histories, h => h.DeletedItems > 10);
    }
}
