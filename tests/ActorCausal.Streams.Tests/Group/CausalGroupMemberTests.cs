using ActorCausal.Protocol;

namespace ActorCausal.Streams.Tests.Group;

/// <summary>How the member hands a held broadcast's id to the flow, whichever comes first: the release or the wait.</summary>
public sealed class CausalGroupMemberTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_release_seen_before_or_after_the_flow_waits_for_its_ticket_gives_the_flow_the_id()
    {
        var member = new CausalGroupMember(null!);
        var early = new MessageId(2, 0, 1);
        var late = new MessageId(2, 0, 2);

        member.OnEvent(new BroadcastReleased("g", 1, early));
        var waiting = member.Released(2);
        Assert.False(waiting.IsCompleted);
        member.OnEvent(new BroadcastReleased("g", 2, late));

        Assert.Equal(early, await member.Released(1).WaitAsync(Generous));
        Assert.Equal(late, await waiting.WaitAsync(Generous));
    }

    [Fact]
    public async Task Stopping_fails_what_waits_for_a_release_or_for_admission_and_completes_Stopped()
    {
        var member = new CausalGroupMember(null!);
        var waiting = member.Released(7);
        var stopped = new GroupStopped("g", GroupStopReason.Downed, "test");

        member.OnEvent(stopped);

        var failure = await Assert.ThrowsAsync<GroupStoppedException>(() => waiting.WaitAsync(Generous));
        Assert.Equal(stopped, failure.Stopped);
        await Assert.ThrowsAsync<GroupStoppedException>(() => member.Admitted.WaitAsync(Generous));
        Assert.Equal(stopped, await member.Stopped.WaitAsync(Generous));
        await Assert.ThrowsAsync<GroupStoppedException>(() => member.Released(8).WaitAsync(Generous));
    }
}
