using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Issue 13, item 1, on a real five-node cluster: two members broadcast in a loop (every order), and while that traffic
/// flows three more nodes join the group at once (within milliseconds). Founding asks the cluster, so none of the three
/// founds a group of its own: all five end in one view of one group (each node its first incarnation, nobody told
/// GroupsMerged), the joiners deliver the earlier members' traffic and send their own, and the invariant checker finds
/// nothing in the recorded histories.
/// </summary>
public sealed class JoinUnderTrafficTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private const int JoinerBurst = 30;

    [Fact]
    public async Task Three_nodes_joining_at_once_while_two_members_broadcast_end_in_one_group_with_clean_histories()
    {
        // Five ActorSystems on a loaded 2-core machine take a while to be Up: that bound is about the machine.
        await using var nodes = await ClusterNodes.StartAsync(5, "joinload", timeout: Generous);
        var early = await RecordedGroup.JoinAsync("busy", [nodes[0], nodes[1]]);
        await early.WaitForFullViewAsync(Generous);
        var earlyIds = early.Systems.Select(ClusterNodes.MemberIdOf).ToHashSet();

        // Traffic in a loop: a burst far longer than the test, stopped below; back pressure only slows it.
        foreach (var s in early.Subscribers) s.Tell(new RecordingSubscriber.Burst(100_000, DeliveryOrder.Fifo, Window: 4, Mixed: true, RetryBackPressure: true));
        await early.WaitForDeliveriesAsync(40, Generous);

        var joiners = await RecordedGroup.JoinAsync("busy", [nodes[2], nodes[3], nodes[4]]);
        var all = early.Plus(joiners);
        await all.WaitForFullViewAsync(Generous);
        output.WriteLine($"one view of five: {await Describe(all)}");

        // The earlier members' traffic reaches the joiners in the new view, and the joiners send too.
        foreach (var s in joiners.Subscribers) s.Tell(new RecordingSubscriber.Burst(JoinerBurst, DeliveryOrder.Fifo, Window: 4, Mixed: true, RetryBackPressure: true));
        await RecordedGroup.EventuallyAsync(async () => (await joiners.ProgressAsync()).All(p => p.Deliveries.Count(d => earlyIds.Contains(d.Sender)) >= 20),
            Generous, () => Describe(all));
        foreach (var s in early.Subscribers) s.Tell(new RecordingSubscriber.StopSending());

        // Quiescent: nothing in flight, the joiners' bursts answered, every member's state holds every message sent.
        await RecordedGroup.EventuallyAsync(async () =>
        {
            var progress = await all.ProgressAsync();
            var sent = progress.Sum(p => p.Sent);
            return progress.All(p => p.InFlight == 0 && p.StateSize == sent)
                   && progress.Skip(early.Systems.Count).All(p => p.Sent + p.Refused - p.Refusals.GetValueOrDefault(RefusalReason.BackPressure) == JoinerBurst);
        }, Generous, () => Describe(all));

        var statuses = await all.StatusesAsync();
        Assert.Single(statuses.Select(s => s.View.Id).Distinct());
        Assert.All(statuses, s => Assert.Equal(5, s.View.Size));
        Assert.Equal(all.Systems.Select(ClusterNodes.MemberIdOf), statuses.Select(s => s.Self));

        var histories = await all.HistoriesAsync(); // fails first if a member was told GroupsMerged
        var violations = InvariantChecker.Check(histories);
        foreach (var v in violations.Take(20)) output.WriteLine(v.ToString());
        Assert.Empty(violations);

        var final = await all.ProgressAsync();
        foreach (var (p, i) in final.Select((p, i) => (p, i)))
            output.WriteLine($"node {i}: sent {p.Sent} refused {p.Refused} delivered {p.Delivered} state {p.StateSize}");
    }

    private static async Task<string> Describe(RecordedGroup group) =>
        string.Join("; ", (await group.ProgressAsync()).Select((p, i) => $"node {i}: sent {p.Sent} refused {p.Refused} in flight {p.InFlight} delivered {p.Delivered} state {p.StateSize} merges {p.Merges.Length} refusals [{string.Join(", ", p.Refusals.Select(r => $"{r.Key} {r.Value}"))}]"))
        + " | " + string.Join("; ", (await group.StatusesAsync()).Select(s => $"{s.Self}: {s.State} {s.Phase} {s.View}"));
}
