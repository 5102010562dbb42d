using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Remote.Transport;

namespace ActorCausal.Tests;

/// <summary>
/// The harness's guard: a group recorded by <see cref="RecordedGroup"/> that splits at start-up (the link between the
/// two nodes blackholed while they join, so each founds its own group) and then merges fails the test with the reason,
/// "a second group formed", both while waiting for the full view and before the histories are handed to the checker.
/// </summary>
public sealed class SecondGroupDetectionTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_merge_at_start_up_fails_the_recorded_group_with_a_second_group_formed()
    {
        await using var nodes = await ClusterNodes.StartAsync(2, "second", Links.SplitAtStartUpConfig);
        await Links.SetBothWays(nodes[0], nodes[1], Blackhole.Instance);
        var group = await RecordedGroup.JoinAsync("split", nodes.Systems);
        await RecordedGroup.EventuallyAsync(async () => (await group.StatusesAsync()).All(s => s.State == GroupActorState.Member && s.View.Size == 1),
            Generous, async () => string.Join("; ", (await group.StatusesAsync()).Select(s => $"{s.Self}: {s.State} {s.View}")));

        await Links.SetBothWays(nodes[0], nodes[1], Unthrottled.Instance);

        var waiting = await Assert.ThrowsAnyAsync<Exception>(() => group.WaitForFullViewAsync(Generous));
        Assert.Contains("A second group of split formed", waiting.Message);
        var histories = await Assert.ThrowsAnyAsync<Exception>(() => group.HistoriesAsync());
        Assert.Contains("A second group of split formed and merged", histories.Message);
    }
}
