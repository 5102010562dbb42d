using System.Text;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Remote.Transport;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Two groups of one name formed anyway, on a real two-node cluster: the link between the nodes is blackholed (Akka.Remote's
/// throttler) while each starts the group, so every announcement is lost and each founds its own group; each delivers
/// its own broadcasts. The link comes back (well within the failure detector's acceptable pause, so nobody is downed),
/// the coordinators' probes find each other, and the groups merge: one view with both members, each application got the
/// other side's state as a merge (GroupsMerged, not a replacement), and broadcasts flow in the merged group.
/// </summary>
public sealed class MergeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>An application whose state is the set of payloads it delivered, loaded or merged.</summary>
    private sealed class SetApp : ReceiveActor
    {
        public sealed record Get;
        public sealed record Seen(IReadOnlySet<string> State, IReadOnlyList<string> Delivered, int Merges, int Loads, GroupView? View);

        public SetApp()
        {
            var state = new SortedSet<string>(StringComparer.Ordinal);
            var delivered = new List<string>();
            int merges = 0, loads = 0;
            GroupView? view = null;
            Receive<Delivered>(d =>
            {
                delivered.Add((string)d.Payload);
                state.Add((string)d.Payload);
            });
            Receive<SnapshotRequest>(r => Sender.Tell(new SnapshotResponse(r.ViewId, Encoding.UTF8.GetBytes(string.Join("\n", state)))));
            Receive<InstallSnapshot>(s =>
            {
                loads++;
                state.Clear();
                foreach (var p in Decode(s.Snapshot)) state.Add(p);
            });
            Receive<GroupsMerged>(m =>
            {
                merges++;
                foreach (var p in Decode(m.Snapshot)) state.Add(p);
            });
            Receive<ViewChanged>(v => view = v.View);
            Receive<Get>(_ => Sender.Tell(new Seen(new SortedSet<string>(state, StringComparer.Ordinal), [.. delivered], merges, loads, view)));
            ReceiveAny(_ => { });
        }

        private static string[] Decode(ReadOnlyMemory<byte> bytes) => bytes.IsEmpty ? [] : Encoding.UTF8.GetString(bytes.Span).Split('\n');
    }

    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not reached within {timeout}: {await describe()}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Two_groups_of_one_name_that_founded_apart_merge_into_one_view_and_each_application_gets_the_other_sides_state()
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "merge", Links.SplitAtStartUpConfig);
        await Links.SetBothWays(nodes[0], nodes[1], Blackhole.Instance);

        var apps = nodes.Systems.Select(s => s.ActorOf(Props.Create(() => new SetApp()))).ToArray();
        var handles = nodes.Systems.Select((s, i) => CausalGroups.Get(s).Join("merge", apps[i])).ToArray();
        Task<SetApp.Seen> Seen(int i) => apps[i].Ask<SetApp.Seen>(new SetApp.Get(), TimeSpan.FromSeconds(10));
        async Task<string> Describe() => string.Join("; ", await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            var s = await handles[i].Status();
            var seen = await Seen(i);
            return $"node {i}: {s.State} {s.Phase} {s.View} state [{string.Join(",", seen.State)}] merges {seen.Merges}";
        })));

        // Each node founds its own group and delivers its own broadcasts in it.
        await Eventually(async () => (await Task.WhenAll(handles.Select(h => h.Status()))).All(s => s.State == GroupActorState.Member && s.View.Size == 1),
            Generous, Describe);
        var before = new[] { new[] { "a1", "a2", "a3" }, new[] { "b1", "b2" } };
        var beforeIds = new Dictionary<string, MessageId>();
        for (var i = 0; i < 2; i++)
        {
            foreach (var p in before[i])
            {
                var reply = await handles[i].Broadcast(p, DeliveryOrder.Total);
                Assert.True(reply.Accepted);
                beforeIds[p] = reply.Id;
            }
        }
        await Eventually(async () => (await Seen(0)).Delivered.Count == 3 && (await Seen(1)).Delivered.Count == 2, Generous, Describe);
        var founded = await Task.WhenAll(handles.Select(h => h.Status()));
        Assert.NotEqual(founded[0].View, founded[1].View);
        output.WriteLine($"founded apart: {founded[0].View} and {founded[1].View}");

        // The link comes back: the probes find each other and the smaller (here: the one whose oldest member sorts later) merges.
        await Links.SetBothWays(nodes[0], nodes[1], Unthrottled.Instance);
        await Eventually(async () =>
        {
            var statuses = await Task.WhenAll(handles.Select(h => h.Status()));
            return statuses.All(s => s.State == GroupActorState.Member && s.Phase == MemberPhase.Normal && s.View.Size == 2)
                   && statuses[0].View.Equals(statuses[1].View);
        }, Generous, Describe);
        var merged = await Task.WhenAll(handles.Select(h => h.Status()));
        output.WriteLine($"merged: {merged[0].View}");

        // Each application holds both sides' messages: it got the other side's state as a merge, once.
        var all = before.SelectMany(x => x).ToHashSet();
        for (var i = 0; i < 2; i++)
        {
            var seen = await Seen(i);
            Assert.Equal(1, seen.Merges);
            Assert.Equal(0, seen.Loads);
            Assert.Superset(all, seen.State.ToHashSet());
            Assert.Equal(merged[i].View, seen.View);
        }
        // The member of the side that merged is a new incarnation on the same node.
        var loser = merged[0].View.Members.Contains(founded[0].Self) ? 1 : 0;
        Assert.NotEqual(founded[loser].Self, merged[loser].Self);
        Assert.Equal(founded[loser].Self.Address, merged[loser].Self.Address);

        // Broadcasts flow in the merged group, in one total order at both members.
        for (var k = 0; k < 5; k++)
        {
            Assert.True((await handles[0].Broadcast($"after-a{k}", DeliveryOrder.Total)).Accepted);
            Assert.True((await handles[1].Broadcast($"after-b{k}", DeliveryOrder.Total)).Accepted);
        }
        await Eventually(async () => (await Task.WhenAll(Enumerable.Range(0, 2).Select(Seen))).All(s => s.Delivered.Count(d => d.StartsWith("after-")) == 10),
            Generous, Describe);
        var afterwards = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i => (await Seen(i)).Delivered.Where(d => d.StartsWith("after-")).ToList()));
        Assert.Equal(afterwards[0], afterwards[1]);
        Assert.Equal((await Seen(0)).State, (await Seen(1)).State);

        // Explicit dependencies on what was delivered before the merge - the other side's messages (held as merged state)
        // and the own side's - are accepted and satisfied: delivered at both members.
        var explicitDeps = new[] { ("x-a", 0, new[] { "b1", "a2" }), ("x-b", 1, new[] { "a3", "b2" }) };
        foreach (var (payload, node, deps) in explicitDeps)
        {
            var reply = await handles[node].Broadcast(payload, DeliveryOrder.Explicit, deps.Select(d => beforeIds[d]).ToArray());
            Assert.True(reply.Accepted, $"{payload} depending on {string.Join(", ", deps)} from before the merge: {reply}");
        }
        await Eventually(async () => (await Task.WhenAll(Enumerable.Range(0, 2).Select(Seen))).All(s => s.Delivered.Contains("x-a") && s.Delivered.Contains("x-b")),
            Generous, Describe);
    }
}
