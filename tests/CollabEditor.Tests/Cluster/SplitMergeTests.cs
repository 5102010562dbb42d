using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorCausal;
using ActorCausal.Protocol.Membership;
using Akka.Actor;
using CollabEditor.Crdt;
using CollabEditor.Tests.Support;
using Xunit.Abstractions;

namespace CollabEditor.Tests.Cluster;

/// <summary>
/// Two groups of one document that formed apart merge (docs/editor.md, "Merging two groups' documents"): n3's links are
/// blackholed while the groups found, both sides edit, the links heal. Every node ends with both sides' text, judged by a
/// digest the test computes from each node's HTTP API; the carets of both sides are where their text went; the group is
/// one again; and a side's state handed over a second time changes nothing.
/// </summary>
[Collection(LoopbackClusterCollection.Name)]
public sealed class SplitMergeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_node_cut_off_while_the_group_founds_edits_apart_and_after_the_heal_every_node_has_both_sides()
    {
        var group = "split-" + Guid.NewGuid().ToString("N")[..6];
        await using var split = await SplitEditorCluster.StartAsync(group);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var urls = split.Nodes.Select(n => n.Url).ToArray();
        await Eventually.Assert(async () =>
        {
            Assert.Equal(2, (await Status(http, urls[0])).Members);
            Assert.Equal(2, (await Status(http, urls[1])).Members);
            Assert.Equal(1, (await Status(http, urls[2])).Members);
        }, Generous);

        // The main side (n1, n2): ann types, bob deletes some of it and adds to it.
        await using var ann = await PageClient.OpenAsync(urls[0], "ann");
        await ann.EditAsync(0, 0, "Hello from the main side.");
        await Eventually.Assert(async () => Assert.Equal("Hello from the main side.", await Text(http, urls[1])), Generous);
        await using var bob = await PageClient.OpenAsync(urls[1], "bob");
        await bob.EditAsync(0, 6, "");
        await bob.EditAsync(19, 0, " Bob agrees.");
        const string main = "from the main side. Bob agrees.";
        await Eventually.Assert(async () => Assert.Equal(main, await Text(http, urls[0])), Generous);
        await ann.WaitUntil(p => p.Text == main, "bob's edits");
        await ann.CaretAsync(19); // after "side."

        // The cut-off side (n3): cat types, with an astral character, and deletes a word.
        await using var cat = await PageClient.OpenAsync(urls[2], "cat");
        await cat.EditAsync(0, 0, "Cut off 😀 side writes here.");
        await cat.EditAsync(15, 7, "");
        const string cut = "Cut off 😀 side here.";
        Assert.Equal(cut, cat.Text);
        await cat.CaretAsync(9); // after the emoji
        Assert.Equal(main, await Text(http, urls[1]));
        Assert.Equal(cut, await Text(http, urls[2]));
        var stateOf = new[] { await State(split, 0, group), await State(split, 2, group) };

        await split.HealAsync();
        string[] digests = [];
        await Eventually.Assert(async () =>
        {
            digests = await Task.WhenAll(urls.Select(u => Digest(http, u)));
            Assert.Single(digests.Distinct());
            Assert.All(await Task.WhenAll(urls.Select(u => Status(http, u))), s => Assert.Equal(3, s.Members));
        }, Generous);

        // Both sides' text, each whole: concurrent inserts at the start of an empty document are ordered by agent, so
        // either side may come first, but nothing interleaves and nothing is lost.
        var text = await Text(http, urls[0]);
        output.WriteLine($"merged: '{text}' ({digests[0]})");
        Assert.Contains(text, new[] { main + cut, cut + main });
        Assert.Equal(Sha256(text), digests[0].Split(' ')[0]);
        var (mainAt, cutAt) = text.StartsWith(main, StringComparison.Ordinal) ? (0, TextDocument.CodePoints(main)) : (TextDocument.CodePoints(cut), 0);

        // Carets follow their text: each side sees the other's caret where its character went.
        await ann.WaitUntil(p => p.Text == text && p.Carets.GetValueOrDefault("cat", -1) == cutAt + 9, "cat's caret after the merge", Generous);
        await cat.WaitUntil(p => p.Text == text && p.Carets.GetValueOrDefault("ann", -1) == mainAt + 19, "ann's caret after the merge", Generous);
        await bob.WaitUntil(p => p.Carets.GetValueOrDefault("cat", -1) == cutAt + 9 && p.Carets.GetValueOrDefault("ann", -1) == mainAt + 19, "both carets at n2", Generous);

        // Idempotent: each side's state handed over again (as the library may) changes nothing at any node.
        var merged = new GroupsMerged(group, 99, new GroupView(99, [new MemberId("akka.tcp://collab@127.0.0.1:1", 1)]), stateOf[1]);
        split.Nodes[0].Editor.Tell(merged);
        split.Nodes[1].Editor.Tell(merged);
        split.Nodes[2].Editor.Tell(merged with { Snapshot = stateOf[0] });
        foreach (var u in urls) Assert.Equal(digests[0], await Digest(http, u));
        foreach (var u in urls) Assert.Equal(0, (await Status(http, u)).Rejected);

        // One group now: an edit on n3 reaches n1 and n2.
        await cat.EditAsync(TextDocument.CodePoints(text), 0, "!");
        await Eventually.Assert(async () => Assert.All(await Task.WhenAll(urls.Select(u => Text(http, u))), t => Assert.Equal(text + "!", t)), Generous);
    }

    private sealed record NodeStatus(int Members, long Txns, int Length, long Rejected);

    private static async Task<NodeStatus> Status(HttpClient http, string url)
    {
        var s = await http.GetFromJsonAsync<JsonElement>(url + "/api/status");
        return new NodeStatus(s.GetProperty("members").GetArrayLength(), s.GetProperty("txns").GetInt64(), s.GetProperty("length").GetInt32(), s.GetProperty("rejected").GetInt64());
    }

    private static Task<string> Text(HttpClient http, string url) => http.GetStringAsync(url + "/api/text");

    /// <summary>The test's own digest of a node from its HTTP API: the text's SHA-256, its length, the transactions it holds.</summary>
    private static async Task<string> Digest(HttpClient http, string url)
    {
        var text = await Text(http, url);
        var status = await Status(http, url);
        return $"{Sha256(text)} cp={status.Length} txns={status.Txns}";
    }

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>A node's document state as it answers the library's snapshot request.</summary>
    private static async Task<ReadOnlyMemory<byte>> State(SplitEditorCluster split, int node, string group) =>
        (await split.Nodes[node].Editor.Ask<SnapshotResponse>(new SnapshotRequest(group, 0), TimeSpan.FromSeconds(10))).Snapshot;
}
